import { defineConfig } from '@adonisjs/static'

const staticServerConfig = defineConfig({
  enabled: true,
  etag: true,
  lastModified: true,
  dotFiles: 'ignore',
  headers: () => ({ 'X-Content-Type-Options': 'nosniff' }),
})

export default staticServerConfig
