import limiter from '@adonisjs/limiter/services/main'
import { FailureThrottle } from '#services/account/login_throttle'

/*
| Failure budgets for the admin login (password and TOTP step), per normalized
| e-mail and per IP, like the merchants'. Only failures count. The keys carry a
| `staff-` prefix so they never share a counter with the merchant login.
*/
export const StaffThrottle = new FailureThrottle({
  perEmail: () => limiter.use({ requests: 10, duration: '15 mins', blockDuration: '15 mins' }),
  perIp: () => limiter.use({ requests: 50, duration: '15 mins', blockDuration: '15 mins' }),
  emailKey: (email) => `staff-login-email:${email}`,
  ipKey: (ip) => `staff-login-ip:${ip}`,
  message: 'admin.login.throttled',
})
