import { test } from '@japa/runner'
import crypto, { createHmac, createSecretKey, randomBytes } from 'node:crypto'
import { hmacKey } from '#start/hmac_keys'
import encryption from '@adonisjs/core/services/encryption'

/* the reference: an HMAC computed with the key's bytes in a fresh key object each time */
const reference = (key: Buffer | string, value: string) =>
  crypto
    .createHmac(
      'sha256',
      createSecretKey(Buffer.isBuffer(key) ? Buffer.from(key) : Buffer.from(key))
    )
    .update(value)
    .digest('hex')

test.group('HMAC keys as cached key objects (start/hmac_keys.ts)', () => {
  test('createHmac, also as a named import, gives the same HMAC for Buffer and string keys', ({
    assert,
  }) => {
    const key = randomBytes(32)
    assert.isTrue((crypto.createHmac as { keyObjects?: boolean }).keyObjects)
    assert.strictEqual(createHmac, crypto.createHmac)
    for (const value of ['', 'kp_session', 'x'.repeat(10_000)]) {
      assert.equal(createHmac('sha256', key).update(value).digest('hex'), reference(key, value))
      assert.equal(
        createHmac('sha256', 'ein-geheimer-schluessel').update(value).digest('hex'),
        reference('ein-geheimer-schluessel', value)
      )
    }
  })

  test('a key is cached by its bytes: changing the Buffer changes the HMAC', ({ assert }) => {
    const key = Buffer.alloc(32, 1)
    const first = createHmac('sha256', key).update('wert').digest('hex')
    key[0] = 2
    const second = createHmac('sha256', key).update('wert').digest('hex')
    assert.notEqual(first, second)
    assert.equal(second, reference(key, 'wert'))
    assert.equal(first, reference(Buffer.alloc(32, 1), 'wert'))
  })

  test('long, empty and non-Buffer keys pass through unchanged', ({ assert }) => {
    const long = randomBytes(65)
    assert.strictEqual(hmacKey(long), long)
    const empty = Buffer.alloc(0)
    assert.strictEqual(hmacKey(empty), empty)
    assert.equal(hmacKey('text'), 'text')
    assert.equal(createHmac('sha256', long).update('v').digest('hex'), reference(long, 'v'))
  })

  test('signed values (the session cookie) still verify, and a changed one does not', ({
    assert,
  }) => {
    const signed = encryption.getMessageVerifier().sign('sitzung-123', undefined, 'kp_session')
    assert.equal(encryption.getMessageVerifier().unsign(signed, 'kp_session'), 'sitzung-123')
    const [payload, mac] = signed.split('.')
    const forged = `${payload}.${mac.slice(0, -2)}${mac.endsWith('AA') ? 'BB' : 'AA'}`
    assert.isNull(encryption.getMessageVerifier().unsign(forged, 'kp_session'))
  })
})
