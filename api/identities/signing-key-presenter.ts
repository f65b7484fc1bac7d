import type { Identity } from '../../db/schema.js';
import { isoTimestamp } from '../shared-schemas.js';
import type { SigningKeyResponse, SigningKeyStatusResponse } from './signing-key-schemas.js';

export function presentSigningKey(created: { signingKey: string; createdAt: Date }): SigningKeyResponse {
  return { signing_key: created.signingKey, created_at: isoTimestamp(created.createdAt) };
}

/** Whether the identity has a key, never the key (nor its ciphertext). */
export function presentSigningKeyStatus(identity: Identity): SigningKeyStatusResponse {
  const configured = identity.signing_key_ciphertext !== null && identity.signing_key_created_at !== null;
  return { configured, created_at: configured ? isoTimestamp(identity.signing_key_created_at!) : null };
}
