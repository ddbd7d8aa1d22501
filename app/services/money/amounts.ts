/*
| Money arithmetic (docs/money.md, "Rounding"). Every amount is an integer number
| of cents and every sum is exact. The one place the portal divides money is when
| it shows a payout's fees per covered closing: it splits by the largest-remainder
| method (each part rounded down, the cents left over go to the parts with the
| largest remainders, ties to the earlier part), so the parts always add up to the
| total to the cent.
*/

/** Splits `total` cents in proportion to `weights`; the parts add up to `total` exactly. */
export function allocate(total: number, weights: number[]): number[] {
  if (!Number.isSafeInteger(total)) throw new RangeError('total must be a whole number of cents')
  if (weights.length === 0) return []
  const sumOfWeights = weights.reduce((sum, weight) => sum + Math.abs(weight), 0)
  if (sumOfWeights === 0) {
    /* nothing to weigh by: equal parts */
    return allocate(
      total,
      weights.map(() => 1)
    )
  }
  const sign = total < 0 ? -1 : 1
  const magnitude = Math.abs(total)
  const exact = weights.map((weight) => (magnitude * Math.abs(weight)) / sumOfWeights)
  const parts = exact.map(Math.floor)
  let left = magnitude - parts.reduce((sum, part) => sum + part, 0)
  const order = exact
    .map((value, index) => ({ index, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index)
  for (const { index } of order) {
    if (left === 0) break
    parts[index]++
    left--
  }
  return parts.map((part) => sign * part)
}

/** Sum of cents; throws when the result is no longer exact in a JS number. */
export function sumMinor(values: Iterable<number>): number {
  let sum = 0
  for (const value of values) sum += value
  if (!Number.isSafeInteger(sum)) throw new RangeError('sum of cents beyond 2^53')
  return sum
}

/** The net a payout must show: gross − fees, to the cent. */
export function netOf(grossMinor: number, feesMinor: number) {
  return grossMinor - feesMinor
}

/** Net of a closing's per-brand totals: sales − refunds − reversals. */
export function closingNet(total: {
  sales_minor: number
  refunds_minor: number
  reversals_minor: number
}) {
  return total.sales_minor - total.refunds_minor - total.reversals_minor
}
