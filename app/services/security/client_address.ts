import { isIP } from 'node:net'

/*
| The part of a client's address that one client controls, for every per-IP limit. An IPv4
| address is one client. An IPv6 client gets a whole /64 from its provider (any VPS has one):
| counting single IPv6 addresses would give it 2^64 fresh budgets, so its /64 is the key. An
| IPv4-mapped IPv6 address (::ffff:192.0.2.1) is the IPv4 address.
*/
export function limitKeyAddress(ip: string): string {
  if (isIP(ip) !== 6) return ip
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip)
  if (mapped) return mapped[1]
  const groups = expandIpv6(ip)
  if (!groups) return ip
  return `${groups.slice(0, 4).join(':')}::/64`
}

/** The 8 groups of an IPv6 address, lower-case without leading zeros; null if not one. */
function expandIpv6(ip: string): string[] | null {
  let address = ip.toLowerCase().replace(/%.*$/, '')
  /* an embedded IPv4 tail (…:192.0.2.1) as two groups */
  const v4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address)
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number)
    address =
      address.slice(0, v4.index) + ((a << 8) | b).toString(16) + ':' + ((c << 8) | d).toString(16)
  }
  const [head, tail] = address.split('::')
  const left = head ? head.split(':') : []
  const right = tail !== undefined && tail ? tail.split(':') : []
  const missing = 8 - left.length - right.length
  if (tail === undefined ? missing !== 0 : missing < 0) return null
  const groups = [...left, ...Array(tail === undefined ? 0 : missing).fill('0'), ...right]
  return groups.map((group) => (Number.parseInt(group, 16) || 0).toString(16))
}
