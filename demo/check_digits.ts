/** ISO 13616 mod-97 check of an IBAN (spaces ignored). */
export function isValidIban(iban: string) {
  const compact = iban.replace(/\s+/g, '').toUpperCase()
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(compact)) return false
  return mod97(compact.slice(4) + compact.slice(0, 4)) === 1
}

/** A German IBAN from bank code (BLZ, 8 digits) and account number (up to 10 digits). */
export function germanIban(bankCode: string, account: string) {
  const bban = bankCode + account.padStart(10, '0')
  const check = 98 - mod97(`${bban}DE00`)
  return `DE${String(check).padStart(2, '0')}${bban}`
}

/** A German VAT ID (USt-IdNr.) with its ISO 7064 MOD 11,10 check digit. */
export function germanVatId(eightDigits: string) {
  let product = 10
  for (const digit of eightDigits) {
    let sum = (Number(digit) + product) % 10
    if (sum === 0) sum = 10
    product = (2 * sum) % 11
  }
  const check = (11 - product) % 10
  return `DE${eightDigits}${check}`
}

function mod97(value: string) {
  let rest = 0
  for (const char of value) {
    const code = /[A-Z]/.test(char) ? String(char.charCodeAt(0) - 55) : char
    for (const digit of code) rest = (rest * 10 + Number(digit)) % 97
  }
  return rest
}
