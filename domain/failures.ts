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

/** The `phone_number_limit_reached` sentence (api.md's wording), for the workflow failure and the API answer alike. */
export function limitReachedMessage(limit: number): string {
  return `Organization already has ${limit} active phone numbers. Release an existing number before provisioning a new one`;
}

/**
 * A provisioning found its row already settled (active, paused, released or failed): it does nothing,
 * and the API answers the row's outcome. Kept out of `failureTypes`, which are outcomes shown to users.
 */
export const provisioningSettledType = 'provisioning_settled';
