import { formatNumber } from '#services/format/formatters'

/** A file size for people: „850 KB“, „1,2 MB“ / "1.2 MB". */
export function sizeLabel(bytes: number, locale: string) {
  if (bytes < 1024 * 1024)
    return `${formatNumber(Math.max(1, Math.round(bytes / 1024)), locale)} KB`
  return `${formatNumber(Math.round(bytes / 104_857.6) / 10, locale)} MB`
}
