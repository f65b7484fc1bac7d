import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

export interface SigningKeys {
  privateKey: KeyObject;
  /** Base64 of the raw 32-byte Ed25519 public key, as Telnyx's portal shows it. */
  publicKey: string;
  privateKeyPem: string;
}

export function generateSigningKeys(): SigningKeys {
  const { privateKey } = generateKeyPairSync('ed25519');
  return fromPrivateKey(privateKey);
}

export function loadSigningKeys(privateKeyPem: string): SigningKeys {
  return fromPrivateKey(createPrivateKey(privateKeyPem));
}

function fromPrivateKey(privateKey: KeyObject): SigningKeys {
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return {
    privateKey,
    publicKey: spki.subarray(spki.length - 32).toString('base64'),
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

/** Telnyx's scheme: base64 Ed25519 signature over `${timestamp}|${rawBody}`. */
export function signWebhook(privateKey: KeyObject, timestamp: string, rawBody: string): string {
  return sign(null, Buffer.from(`${timestamp}|${rawBody}`), privateKey).toString('base64');
}
