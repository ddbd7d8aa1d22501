/* The policies bouncer knows by name (`ctx.bouncer.with('CustomerPolicy')`). */
export const policies = {
  CustomerPolicy: () => import('#policies/customer_policy'),
}
