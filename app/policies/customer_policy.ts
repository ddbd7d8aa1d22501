import { BasePolicy } from '@adonisjs/bouncer'
import type { AuthorizerResponse } from '@adonisjs/bouncer/types'
import type User from '#models/user'
import type { CustomerRole } from '#models/customer_user'

/** A customer as the scope knows it: with the user's role for it. */
export type RoleHolder = { role: CustomerRole }

/**
 * What each role may do with a customer (PRODUCT „Access model“):
 * owner everything and the customer's users; accountant also export, invoices,
 * payouts and master data; viewer dashboard, transactions, terminals and closings. A refused ability is
 * answered like a missing record (the scope's shared 404), never with a 403.
 */
const ALLOWED: Record<CustomerAbility, readonly CustomerRole[]> = {
  viewDashboard: ['owner', 'accountant', 'viewer'],
  viewTransactions: ['owner', 'accountant', 'viewer'],
  viewTerminals: ['owner', 'accountant', 'viewer'],
  viewClosings: ['owner', 'accountant', 'viewer'],
  viewPayouts: ['owner', 'accountant'],
  export: ['owner', 'accountant'],
  viewInvoices: ['owner', 'accountant'],
  viewMasterData: ['owner', 'accountant'],
  manageUsers: ['owner'],
  /* the customer's tickets beyond one's own („Meine Anfragen“), and change requests */
  /* contracts, price lists, notices („Dokumente“, issue 18) */
  viewDocuments: ['owner', 'accountant'],
  viewRequests: ['owner'],
  requestChanges: ['owner'],
}

export type CustomerAbility =
  | 'viewDashboard'
  | 'viewTransactions'
  | 'viewTerminals'
  | 'viewClosings'
  | 'viewPayouts'
  | 'export'
  | 'viewInvoices'
  | 'viewMasterData'
  | 'manageUsers'
  | 'viewDocuments'
  | 'viewRequests'
  | 'requestChanges'

export const CUSTOMER_ABILITIES = Object.keys(ALLOWED) as CustomerAbility[]

/** The role table as a plain check (for the scope, which also serves non-HTTP code). */
export function roleAllows(role: CustomerRole, ability: CustomerAbility) {
  return ALLOWED[ability].includes(role)
}

export default class CustomerPolicy extends BasePolicy {
  viewDashboard(_user: User, customer: RoleHolder): AuthorizerResponse {
    return roleAllows(customer.role, 'viewDashboard')
  }

  viewTransactions(_user: User, customer: RoleHolder): AuthorizerResponse {
    return roleAllows(customer.role, 'viewTransactions')
  }

  viewTerminals(_user: User, customer: RoleHolder): AuthorizerResponse {
    return roleAllows(customer.role, 'viewTerminals')
  }

  viewClosings(_user: User, customer: RoleHolder): AuthorizerResponse {
    return roleAllows(customer.role, 'viewClosings')
  }

  viewPayouts(_user: User, customer: RoleHolder): AuthorizerResponse {
    return roleAllows(customer.role, 'viewPayouts')
  }

  export(_user: User, customer: RoleHolder): AuthorizerResponse {
    return roleAllows(customer.role, 'export')
  }

  viewInvoices(_user: User, customer: RoleHolder): AuthorizerResponse {
    return roleAllows(customer.role, 'viewInvoices')
  }

  viewMasterData(_user: User, customer: RoleHolder): AuthorizerResponse {
    return roleAllows(customer.role, 'viewMasterData')
  }

  manageUsers(_user: User, customer: RoleHolder): AuthorizerResponse {
    return roleAllows(customer.role, 'manageUsers')
  }

  viewRequests(_user: User, customer: RoleHolder): AuthorizerResponse {
    return roleAllows(customer.role, 'viewRequests')
  }

  requestChanges(_user: User, customer: RoleHolder): AuthorizerResponse {
    return roleAllows(customer.role, 'requestChanges')
  }

  viewDocuments(_user: User, customer: RoleHolder): AuthorizerResponse {
    return roleAllows(customer.role, 'viewDocuments')
  }
}
