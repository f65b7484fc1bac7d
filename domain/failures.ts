/**
 * Failure `type` strings shared by activities, workflows and the API. They travel inside
 * `ApplicationFailure.type`, so they must never depend on class names.
 */
export const failureTypes = {
  identityNotFound: 'identity_not_found',
  identityHasNumber: 'identity_has_number',
  limitReached: 'phone_number_limit_reached',
  noNumbersAvailable: 'no_numbers_available',
  carrierFailed: 'carrier_provisioning_failed',
} as const;

/**
 * Why a provisioning row ended `failed`, stored in `phone_numbers.failure_type`. Customers see only the
 * fixed sentence the API gives each type; the raw reason (carrier text, constraint names, watcher ids)
 * stays in `failure_reason` for operators. Adding a type needs a migration: the column's check lists them.
 */
export const provisioningFailureTypes = {
  noNumbersAvailable: failureTypes.noNumbersAvailable,
  carrierFailed: failureTypes.carrierFailed,
  /** A release cancelled the provisioning while it ran. */
  cancelled: 'provisioning_cancelled',
  /** The workflow ended without settling the row (terminated, timed out); reconciliation failed it. */
  interrupted: 'provisioning_interrupted',
} as const;

export type ProvisioningFailureType = (typeof provisioningFailureTypes)[keyof typeof provisioningFailureTypes];

const storedFailureTypes = new Set<string>(Object.values(provisioningFailureTypes));

/** Whether `value` is one of the stored provisioning failure types. */
export function isProvisioningFailureType(value: unknown): value is ProvisioningFailureType {
  return typeof value === 'string' && storedFailureTypes.has(value);
}

/** The `phone_number_limit_reached` sentence (api.md's wording), for the workflow failure and the API answer alike. */
export function limitReachedMessage(limit: number): string {
  return `Organization already has ${limit} active phone numbers. Release an existing number before provisioning a new one`;
}

/**
 * A provisioning found its row already settled (active, paused, released or failed): it does nothing,
 * and the API answers the row's outcome. Kept out of `failureTypes`, which are outcomes shown to users.
 */
export const provisioningSettledType = 'provisioning_settled';
