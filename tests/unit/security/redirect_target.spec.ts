import { test } from '@japa/runner'
import { safeRedirectTarget } from '#services/account/redirect_target'

/*
| Where a login, the second factor or a switch sends the browser afterwards: only a path on
| this portal, never another host — also not one that only becomes `//host` once the path's
| dot-segments are resolved.
*/
test.group('Security / redirect target', () => {
  test('a path of the portal is kept, with its query', ({ assert }) => {
    assert.equal(
      safeRedirectTarget('/transactions?from=2026-01-01'),
      '/transactions?from=2026-01-01'
    )
    assert.equal(safeRedirectTarget('/a/../invoices'), '/invoices')
  })

  test('another host is refused, also behind dot-segments, backslashes or control characters', ({
    assert,
  }) => {
    for (const value of [
      '//evil.example',
      '/\\evil.example',
      'https://evil.example/',
      '/.//evil.example',
      '/a/..//evil.example',
      '/./..//evil.example/x',
      '/%2e%2e//evil.example',
      '/\tevil',
      'javascript:alert(1)',
      '',
      42,
    ]) {
      assert.equal(safeRedirectTarget(value, '/start'), '/start', String(value))
    }
  })
})
