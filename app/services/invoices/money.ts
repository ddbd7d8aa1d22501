/**
 * Integer division rounded half away from zero ("kaufmännisch runden"):
 * roundDiv(5, 10) = 1, roundDiv(-5, 10) = -1, roundDiv(4, 10) = 0.
 * Both arguments are integers; the divisor is positive.
 */
export function roundDiv(numerator: number, divisor: number): number {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(divisor) || divisor <= 0) {
    throw new RangeError(`roundDiv needs safe integers and a positive divisor`)
  }
  const sign = numerator < 0 ? -1 : 1
  const magnitude = Math.abs(numerator)
  return sign * Math.floor((2 * magnitude + divisor) / (2 * divisor))
}

/** 12345 → "123.45", -5 → "-0.05" (the e-invoice's decimal notation). */
export function minorToDecimal(minor: number, decimals = 2): string {
  const sign = minor < 0 ? '-' : ''
  const digits = String(Math.abs(minor)).padStart(decimals + 1, '0')
  return `${sign}${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`
}
