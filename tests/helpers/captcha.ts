import { solveChallenge } from 'altcha-lib'
import { deriveKey } from 'altcha-lib/algorithms/sha'
import type { Agent } from '#tests/helpers/agent'

/**
 * Solves a real challenge from the server, as the widget does in a browser,
 * and returns the form value for the `altcha` field.
 */
export async function solveCaptcha(agent: Agent) {
  const response = await agent.get('/altcha/challenge')
  const challenge = JSON.parse(response.text)
  const solution = await solveChallenge({ challenge, deriveKey })
  if (!solution) throw new Error('could not solve the captcha challenge')
  return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64')
}
