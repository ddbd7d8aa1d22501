import { test } from '@japa/runner'
import { limitKeyAddress } from '#services/security/client_address'

/* per-IP limits count an IPv6 client by its /64: one VPS cannot rotate through fresh budgets */
test.group('Security / limit key of a client address', () => {
  test('IPv4 stays itself; IPv4-mapped IPv6 is the IPv4 address', ({ assert }) => {
    assert.equal(limitKeyAddress('192.0.2.1'), '192.0.2.1')
    assert.equal(limitKeyAddress('::ffff:192.0.2.1'), '192.0.2.1')
    assert.equal(limitKeyAddress('::FFFF:198.51.100.7'), '198.51.100.7')
  })

  test('every address of one /64 gives the same key, in any notation', ({ assert }) => {
    const key = '2001:db8:1:2::/64'
    for (const ip of [
      '2001:db8:1:2::1',
      '2001:db8:1:2::ffff',
      '2001:0db8:0001:0002:aaaa:bbbb:cccc:dddd',
      '2001:DB8:1:2:0:0:0:1',
      '2001:db8:1:2::192.0.2.1',
      '2001:db8:1:2::1%eth0',
    ]) {
      assert.equal(limitKeyAddress(ip), key, ip)
    }
  })

  test('another /64 is another key', ({ assert }) => {
    assert.equal(limitKeyAddress('2001:db8:1:3::1'), '2001:db8:1:3::/64')
    assert.equal(limitKeyAddress('::1'), '0:0:0:0::/64')
    assert.equal(limitKeyAddress('fe80::1'), 'fe80:0:0:0::/64')
    assert.equal(limitKeyAddress('2001:db8::'), '2001:db8:0:0::/64')
  })
})
