/*
| Ace entry point. Registers the TypeScript loader and hands over to
| bin/console.ts. Keep this file plain JavaScript.
*/
import '@poppinss/ts-exec'

await import('./bin/console.js')
