import { defineSearchAttributeKey } from '@temporalio/common';

/** Custom search attributes; the dev-server launcher and `temporal:setup` register each one. */
export const searchAttributes = {
  organizationId: defineSearchAttributeKey('OrganizationId', 'KEYWORD'),
  agentHandle: defineSearchAttributeKey('AgentHandle', 'KEYWORD'),
  phoneNumber: defineSearchAttributeKey('PhoneNumber', 'KEYWORD'),
  provisioningStep: defineSearchAttributeKey('ProvisioningStep', 'KEYWORD'),
  /** `retrying` while the carrier refuses a release past its first budget, `released` once it confirmed. */
  carrierRelease: defineSearchAttributeKey('CarrierRelease', 'KEYWORD'),
};

/** Values of `CarrierRelease`: filter `CarrierRelease = 'retrying'` in the Web UI to find numbers stuck at the carrier. */
export const carrierReleaseStates = { retrying: 'retrying', released: 'released' } as const;
