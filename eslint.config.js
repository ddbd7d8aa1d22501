import { configApp } from '@adonisjs/eslint-config'

/*
| The house's boundaries (docs/adr/1201-areas-and-boundaries.md), enforced:
| - production code never imports demo code (`demo/`, `#demo/*`);
| - services never import controllers, job handlers, `start/`, validators,
|   exception/HTTP helpers or demo code;
| - models import no layer above them;
| - controllers and middleware redirect by route name, never to a string URL.
*/
const DEMO = {
  regex: '^#demo/|(^|/)demo/',
  message: 'Demo code stays out of production code (ADR 1201).',
}
const ABOVE_SERVICES = [
  { regex: '^#controllers/', message: 'A service never imports a controller (ADR 1201).' },
  {
    regex: '^#start/',
    message:
      'A service takes settings from #config/*, limits from #services/security/rate_limits (ADR 1201).',
  },
  {
    regex: '^#validators/',
    message: 'Validators are for requests; a service gets validated data (ADR 1201).',
  },
  {
    regex: '^#jobs/handlers/',
    message: 'A service enqueues a job by its descriptor, never imports its handler (ADR 1201).',
  },
  {
    regex: '^#exceptions/|^#middleware/|^#helpers/',
    message: 'HTTP answers are the controllers’ and the handler’s (ADR 1201).',
  },
  {
    regex: '^#generated/',
    message: 'A service never imports the route or controller index (ADR 1201).',
  },
]
const STRING_REDIRECT = [
  {
    selector:
      'CallExpression[callee.property.name=/^(redirect|toPath)$/] > :matches(Literal, TemplateLiteral).arguments:first-child',
    message: 'Redirect by route name: redirect().toRoute(name, params, { qs }) (ADR 1201).',
  },
]

export default configApp(
  { ignores: ['.adonisjs/**', 'tmp/**', 'storage/**', 'public/**', 'build/**'] },
  { rules: { '@unicorn/no-await-expression-member': 'off' } },
  {
    files: [
      'app/**/*.ts',
      'start/**/*.ts',
      'config/**/*.ts',
      'providers/**/*.ts',
      'commands/**/*.ts',
    ],
    ignores: ['app/controllers/demo/**', 'commands/demo_seed.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [DEMO] }] },
  },
  {
    files: ['app/services/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [DEMO, ...ABOVE_SERVICES] }] },
  },
  {
    files: ['app/models/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            DEMO,
            ...ABOVE_SERVICES,
            {
              regex: '^#services/|^#jobs/|^#mails/',
              message: 'A model imports no layer above it (ADR 1201).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['app/controllers/**/*.ts', 'app/middleware/**/*.ts', 'app/exceptions/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', ...STRING_REDIRECT] },
  }
)
