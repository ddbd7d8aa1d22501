import type User from '#models/user'

/*
| Support's „Bestätigungsmail erneut senden“. The verification link and its
| token belong to the accounts area; this is the one place support calls it.
*/
export async function resendVerification(_user: User): Promise<boolean> {
  return false
}
