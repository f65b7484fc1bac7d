import type { PhoneNumberRow } from '../../db/schema.js';
import type { ProvisionNumberInput } from '../../domain/workflow-contract.js';

/**
 * What the Temporal UI shows for a workflow the API starts (user metadata: no effect on replay).
 * Callback URLs stay out: they may carry a customer's credentials.
 */
export interface WorkflowSummary {
  staticSummary: string;
  staticDetails: string;
}

const typeNames: Record<ProvisionNumberInput['type'], string> = { toll_free: 'toll-free', local: 'local' };

export function provisionSummary(input: ProvisionNumberInput): WorkflowSummary {
  const where = input.state ? ` in ${input.state}` : '';
  return {
    staticSummary: `Provision a ${typeNames[input.type]} number${where} for @${input.agentHandle} (org ${input.organizationId})`,
    staticDetails: [
      `**Organization:** ${input.organizationId}`,
      `**Agent:** @${input.agentHandle}`,
      `**Number type:** ${typeNames[input.type]}${where}`,
      `**Phone number id:** ${input.phoneNumberId}`,
      `**Incoming calls:** ${input.callSettings.incomingCallAction}`,
    ].join('\n'),
  };
}

export function releaseSummary(row: PhoneNumberRow): WorkflowSummary {
  return {
    staticSummary: `Release ${row.number ?? 'a number still provisioning'} (org ${row.organization_id})`,
    staticDetails: [
      `**Organization:** ${row.organization_id}`,
      `**Phone number id:** ${row.id}`,
      `**Number:** ${row.number ?? '(not bought yet)'}`,
      `**Status when released:** ${row.status}`,
    ].join('\n'),
  };
}
