import { budgets } from '#services/security/rate_limits'
import { FailureThrottle } from '#services/account/login_throttle'
import { limitKeyAddress } from '#services/security/client_address'

/*
| Failure budgets for the admin login (password and TOTP step), per normalized
| e-mail and per IP, like the merchants'. Only failures count. The keys carry a
| `staff-` prefix so they never share a counter with the merchant login.
*/
export const StaffThrottle = new FailureThrottle({
  perEmail: budgets.staffLoginFailuresPerEmail,
  perIp: budgets.staffLoginFailuresPerIp,
  emailKey: (email) => `staff-login-email:${email}`,
  ipKey: (ip) => `staff-login-ip:${limitKeyAddress(ip)}`,
  message: 'admin.login.throttled',
})
