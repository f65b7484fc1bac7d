/** Lifecycle of a phone number; see api.md. */
export const phoneNumberStatuses = ['provisioning', 'active', 'paused', 'released', 'failed'] as const;
export type PhoneNumberStatus = (typeof phoneNumberStatuses)[number];

/** Statuses that hold an organization's slot and an identity's one number. */
export const liveStatuses = ['provisioning', 'active', 'paused'] as const satisfies readonly PhoneNumberStatus[];

export const phoneNumberTypes = ['toll_free', 'local'] as const;
export type PhoneNumberType = (typeof phoneNumberTypes)[number];

export const incomingCallActions = ['auto_accept', 'auto_reject', 'webhook'] as const;
export type IncomingCallAction = (typeof incomingCallActions)[number];

/** How incoming calls to a number are handled. */
export interface CallSettings {
  incomingCallAction: IncomingCallAction;
  clientWebsocketUrl: string | null;
  incomingCallWebhookUrl: string | null;
}

/** Two-letter US states and DC, accepted for local numbers. */
export const usStates = [
  'AL', 'AK', 'AZ', 'AR', 'CA', 'CO', 'CT', 'DE', 'DC', 'FL', 'GA', 'HI', 'ID', 'IL', 'IN', 'IA', 'KS',
  'KY', 'LA', 'ME', 'MD', 'MA', 'MI', 'MN', 'MS', 'MO', 'MT', 'NE', 'NV', 'NH', 'NJ', 'NM', 'NY', 'NC',
  'ND', 'OH', 'OK', 'OR', 'PA', 'RI', 'SC', 'SD', 'TN', 'TX', 'UT', 'VT', 'VA', 'WA', 'WV', 'WI', 'WY',
] as const;
export type UsState = (typeof usStates)[number];
