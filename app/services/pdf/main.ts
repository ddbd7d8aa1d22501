import { chromiumPath } from '#config/portal'
import app from '@adonisjs/core/services/app'
import { PdfRenderer } from '#services/pdf/pdf_renderer'

/*
| The process-wide renderer: one Chromium per worker process, launched on the
| first PDF and closed when the process terminates.
*/
const pdfRenderer = new PdfRenderer({
  executablePath: chromiumPath,
  timeoutMs: 30_000,
})

app.terminating(async () => {
  await pdfRenderer.close()
})

export default pdfRenderer
