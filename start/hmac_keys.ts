/*
| HMAC keys as key objects (issue 19, docs/performance.md).
|
| Node 24's `createHmac` turns a Buffer key into a key object on every call, and that
| costs about 9 µs more than an HMAC itself (a string or a KeyObject key does not).
| The signed session cookie is checked (three HMACs: one with the app key, two in
| `safeEqual`) and signed again on every page, all with Buffer keys held inside
| @boringnode/encryption, out of our reach. So `createHmac` gets its Buffer keys as
| cached KeyObjects: the cache is keyed by the key's bytes (never by the Buffer object,
| which its owner could change), holds few keys (the app key's derivations and
| `safeEqual`'s one), and a key longer than 64 bytes or beyond 32 cached passes through
| as before. The HMAC is the same: same algorithm, same key bytes (tested).
*/
import crypto, { type KeyObject } from 'node:crypto'
import { syncBuiltinESMExports } from 'node:module'

const MAX_KEY_BYTES = 64
const MAX_KEYS = 32
const keys = new Map<string, KeyObject>()
const original = crypto.createHmac

/** A Buffer key's KeyObject, from the cache; other keys as given. */
export function hmacKey<Key>(key: Key): Key | KeyObject {
  if (!Buffer.isBuffer(key) || key.length === 0 || key.length > MAX_KEY_BYTES) return key
  const bytes = key.toString('latin1')
  let object = keys.get(bytes)
  if (!object) {
    if (keys.size >= MAX_KEYS) return key
    object = crypto.createSecretKey(Buffer.from(key))
    keys.set(bytes, object)
  }
  return object
}

if (!(original as { keyObjects?: boolean }).keyObjects) {
  const createHmac = ((algorithm, key, options) =>
    original(algorithm, hmacKey(key), options)) as typeof crypto.createHmac & {
    keyObjects: boolean
  }
  createHmac.keyObjects = true
  crypto.createHmac = createHmac
  /* `import { createHmac } from 'node:crypto'` elsewhere sees the wrapper too */
  syncBuiltinESMExports()
}
