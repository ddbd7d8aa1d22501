import { test } from '@japa/runner'
import { MAX_REPLY_CHARS, replyText } from '#services/inbound/reply_text'

/* a line that makes email-reply-parser's own expressions take cubic time */
const hostile = (length: number) => 'x on at '.repeat(Math.ceil(length / 8)).slice(0, length)

test.group('Reply text of an inbound mail', () => {
  test('hostile long lines are answered in well under a second', ({ assert }) => {
    for (const text of [
      hostile(100_000),
      hostile(12_000),
      Array.from({ length: 19 }, () => hostile(1_000)).join('\n'),
    ]) {
      const started = performance.now()
      const reply = replyText(text)
      assert.isBelow(performance.now() - started, 1_000)
      assert.isAtMost(reply.length, MAX_REPLY_CHARS + 4)
    }
  })

  test('the cut at the length limit never keeps the first part of a card number', ({ assert }) => {
    const reply = replyText(`${'a'.repeat(MAX_REPLY_CHARS - 5)} 5500 0055 5555 5559 danke`)
    assert.notMatch(reply, /\d/)
    assert.isTrue(reply.endsWith('[…]'))
  })

  test('a normal reply still loses its quoted history and signature', ({ assert }) => {
    const reply = replyText(
      'Danke, das hilft.\n\nAm 02.12.2026 um 10:00 schrieb Kundenportal <support@example.com>:\n> Ihre Frage'
    )
    assert.equal(reply, 'Danke, das hilft.')
  })
})
