import env from '#start/env'

/*
| The operator's legal details: printed in every mail footer, on the Impressum
| page and on every invoice. Edit here for your company.
*/
const operatorConfig = {
  name: 'Kartennetz Betriebs GmbH',
  brand: 'Kundenportal',
  street: 'Mainzer Landstraße 100',
  postalCode: '60327',
  city: 'Frankfurt am Main',
  country: 'DE',
  register: 'Amtsgericht Frankfurt am Main, HRB 123456',
  managingDirectors: 'Dr. Anna Beispiel, Max Mustermann',
  vatId: 'DE123456789',
  taxNumber: '045 228 12345',
  bank: { name: 'Beispielbank AG', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' },
  email: 'kundenservice@example.com',
  supportPhone: env.get('SUPPORT_PHONE'),
  supportHours: env.get('SUPPORT_HOURS', 'Mo–Fr 8–18 Uhr'),
  paymentTermsDays: 14,
}

export default operatorConfig
