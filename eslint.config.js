import { configApp } from '@adonisjs/eslint-config'

export default configApp(
  { ignores: ['.adonisjs/**', 'tmp/**', 'storage/**', 'public/**', 'build/**'] },
  { rules: { '@unicorn/no-await-expression-member': 'off' } }
)
