import { germanIban, germanVatId } from '#demo/check_digits'

/** How a business trades: opening hours (Europe/Berlin), volume and ticket size. */
export type TradeProfile = {
  /** hour ranges [from, to) per weekday (1 = Monday … 7 = Sunday); missing = closed */
  hours: Partial<Record<1 | 2 | 3 | 4 | 5 | 6 | 7, [number, number][]>>
  /** relative weight of each hour 0–23 (business peaks) */
  peaks: Record<number, number>
  /** card payments per terminal on an average open day */
  perDay: number
  /** median ticket in euros and its log-normal spread */
  median: number
  spread: number
  minMinor: number
  maxMinor: number
  /** prices that end in ,90/,95/,99 (retail) instead of any cent amount */
  retailPrices: boolean
}

export type DemoCustomer = {
  customerNumber: string
  companyName: string
  street: string
  postalCode: string
  city: string
  email: string
  phone: string
  vatId: string
  iban: string
  /** the acquirer's rhythm for card-scheme payouts (issue 16) */
  settlementRhythm: 'daily' | 'weekly'
  profile: TradeProfile
  terminals: DemoTerminal[]
}

export type DemoTerminal = {
  model: string
  street: string
  postalCode: string
  city: string
  status: 'active' | 'inactive' | 'blocked' | 'decommissioned'
  /** days before the reference day */
  installedDaysAgo: number
  /** the terminal stopped trading this many days ago (inactive/decommissioned) */
  stoppedDaysAgo?: number
  monthlyFeeMinor: number
  /** share of the customer's volume */
  share: number
  /** the terminal closes every trading day, but the last time this many days ago (issue 16) */
  lastClosingDaysAgo?: number
  /** its closing this many days ago reports one girocard payment less than it submitted */
  differenceDaysAgo?: number
}

const weekdays = (from: number, to: number) =>
  ({ 1: [[from, to]], 2: [[from, to]], 3: [[from, to]], 4: [[from, to]], 5: [[from, to]] }) as {
    [day in 1 | 2 | 3 | 4 | 5]: [number, number][]
  }

const bakery: TradeProfile = {
  hours: { ...weekdays(6, 19), 6: [[6, 16]], 7: [[7, 12]] },
  peaks: { 6: 2, 7: 5, 8: 6, 9: 4, 10: 3, 11: 3, 12: 4, 13: 3, 14: 2, 15: 3, 16: 3, 17: 2, 18: 1 },
  perDay: 70,
  median: 6.8,
  spread: 0.6,
  minMinor: 120,
  maxMinor: 8500,
  retailPrices: false,
}

const restaurant: TradeProfile = {
  hours: {
    2: [
      [11, 15],
      [17, 23],
    ],
    3: [
      [11, 15],
      [17, 23],
    ],
    4: [
      [11, 15],
      [17, 23],
    ],
    5: [
      [11, 15],
      [17, 24],
    ],
    6: [[12, 24]],
    7: [[12, 22]],
  },
  peaks: {
    11: 1,
    12: 5,
    13: 6,
    14: 3,
    15: 1,
    16: 1,
    17: 2,
    18: 4,
    19: 7,
    20: 8,
    21: 6,
    22: 3,
    23: 1,
  },
  perDay: 38,
  median: 46,
  spread: 0.55,
  minMinor: 450,
  maxMinor: 48000,
  retailPrices: false,
}

const fashion: TradeProfile = {
  hours: { ...weekdays(10, 20), 6: [[10, 20]] },
  peaks: { 10: 2, 11: 4, 12: 5, 13: 5, 14: 5, 15: 6, 16: 7, 17: 8, 18: 7, 19: 4 },
  perDay: 24,
  median: 74,
  spread: 0.65,
  minMinor: 995,
  maxMinor: 98000,
  retailPrices: true,
}

/* Fictional companies at real-looking German addresses (mod-97 IBANs, valid VAT check digits). */
export const DEMO_CUSTOMERS: DemoCustomer[] = [
  {
    customerNumber: 'L1000001',
    companyName: 'Bäckerei Sonnenschein GmbH',
    street: 'Berger Straße 112',
    postalCode: '60316',
    city: 'Frankfurt am Main',
    email: 'buchhaltung@baeckerei-sonnenschein.example',
    phone: '069 4089 1120',
    vatId: germanVatId('81427563'),
    iban: germanIban('50010517', '5407324911'),
    settlementRhythm: 'daily',
    profile: bakery,
    terminals: [
      {
        model: 'Ingenico Desk/5000',
        street: 'Berger Straße 112',
        postalCode: '60316',
        city: 'Frankfurt am Main',
        status: 'active',
        installedDaysAgo: 1240,
        monthlyFeeMinor: 1990,
        share: 0.45,
        differenceDaysAgo: 3,
      },
      {
        model: 'Ingenico Desk/5000',
        street: 'Leipziger Straße 27',
        postalCode: '60487',
        city: 'Frankfurt am Main',
        status: 'active',
        installedDaysAgo: 610,
        monthlyFeeMinor: 1990,
        share: 0.35,
        lastClosingDaysAgo: 6,
      },
      {
        model: 'Ingenico Move/5000',
        street: 'Schweizer Straße 58',
        postalCode: '60594',
        city: 'Frankfurt am Main',
        status: 'inactive',
        installedDaysAgo: 75,
        stoppedDaysAgo: 9,
        monthlyFeeMinor: 2490,
        share: 0.2,
      },
    ],
  },
  {
    customerNumber: 'L1000002',
    companyName: 'Gasthaus Zum Goldenen Hirsch Inh. Thomas Brenner e.K.',
    street: 'Alter Markt 14',
    postalCode: '50667',
    city: 'Köln',
    email: 'info@goldener-hirsch-koeln.example',
    phone: '0221 2578 340',
    vatId: germanVatId('26531987'),
    iban: germanIban('37040044', '0532013000'),
    settlementRhythm: 'weekly',
    profile: restaurant,
    terminals: [
      {
        model: 'Verifone V400m',
        street: 'Alter Markt 14',
        postalCode: '50667',
        city: 'Köln',
        status: 'active',
        installedDaysAgo: 980,
        monthlyFeeMinor: 2490,
        share: 0.6,
      },
      {
        model: 'Ingenico Move/5000',
        street: 'Alter Markt 14',
        postalCode: '50667',
        city: 'Köln',
        status: 'active',
        installedDaysAgo: 410,
        monthlyFeeMinor: 2490,
        share: 0.4,
      },
    ],
  },
  {
    customerNumber: 'L1000003',
    companyName: 'Modehaus Lindner KG',
    street: 'Sendlinger Straße 41',
    postalCode: '80331',
    city: 'München',
    email: 'kasse@modehaus-lindner.example',
    phone: '089 2366 7150',
    vatId: germanVatId('13958246'),
    iban: germanIban('70020270', '0015722834'),
    settlementRhythm: 'weekly',
    profile: fashion,
    terminals: [
      {
        model: 'Verifone V400c',
        street: 'Sendlinger Straße 41',
        postalCode: '80331',
        city: 'München',
        status: 'active',
        installedDaysAgo: 1500,
        monthlyFeeMinor: 1490,
        share: 0.55,
      },
      {
        model: 'Ingenico Desk/5000',
        street: 'Sendlinger Straße 41',
        postalCode: '80331',
        city: 'München',
        status: 'blocked',
        installedDaysAgo: 1500,
        stoppedDaysAgo: 4,
        monthlyFeeMinor: 1990,
        share: 0.3,
      },
      {
        model: 'Ingenico Move/5000',
        street: 'Leopoldstraße 82',
        postalCode: '80802',
        city: 'München',
        status: 'decommissioned',
        installedDaysAgo: 900,
        stoppedDaysAgo: 47,
        monthlyFeeMinor: 2490,
        share: 0.15,
      },
    ],
  },
]

/** Card brand mix of German card payments: girocard first, then the schemes. */
export const BRAND_WEIGHTS = {
  girocard: 52,
  visa: 17,
  mastercard: 15,
  maestro: 7,
  vpay: 5,
  amex: 4,
} as const

/** Issuer prefixes (first 6 digits) and card number length per brand. */
export const BRAND_BINS: Record<keyof typeof BRAND_WEIGHTS, { bins: string[]; length: number }> = {
  girocard: { bins: ['672559', '672516', '670301', '672094'], length: 16 },
  visa: { bins: ['454617', '492181', '417500', '426398'], length: 16 },
  mastercard: { bins: ['522371', '542418', '535110', '515735'], length: 16 },
  maestro: { bins: ['676283', '675911', '679999'], length: 19 },
  vpay: { bins: ['482245', '400115', '462263'], length: 16 },
  amex: { bins: ['374245', '377935', '379764'], length: 15 },
}
