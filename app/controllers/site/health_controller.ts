import type { HttpContext } from '@adonisjs/core/http'
import { HealthService } from '#services/site/health_service'

export default class HealthController {
  /** 200 when the database and Redis answer, 503 naming the one that failed. */
  async show({ response }: HttpContext) {
    const report = await HealthService.check()
    return response.status(report.healthy ? 200 : 503).json(report)
  }
}
