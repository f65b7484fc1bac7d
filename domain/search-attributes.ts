import { defineSearchAttributeKey } from '@temporalio/common';

/** Custom search attributes; the dev-server launcher and `temporal:setup` register each one. */
export const searchAttributes = {
  organizationId: defineSearchAttributeKey('OrganizationId', 'KEYWORD'),
  agentHandle: defineSearchAttributeKey('AgentHandle', 'KEYWORD'),
  phoneNumber: defineSearchAttributeKey('PhoneNumber', 'KEYWORD'),
  provisioningStep: defineSearchAttributeKey('ProvisioningStep', 'KEYWORD'),
};
