import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readSigningKey } from '../../../db/repositories/signing-keys.js';
import type { ApiHarness } from '../../support/api-harness.js';
import type { SdkReport } from '../../support/inkbox-python.js';
import { runInkboxScriptOnApi } from '../../support/inkbox-python-on-api.js';

/**
 * Signing keys through the official Inkbox Python SDK (`inkbox` 0.7.x, unmodified):
 * test/compat/inkbox_python_signing_keys.py runs the flow and prints what the SDK parsed.
 */

const encryptionKey = randomBytes(32).toString('base64');
let h: ApiHarness;
let identityId: string;
let summary: SdkReport;

beforeAll(async () => {
  const run = await runInkboxScriptOnApi('inkbox_python_signing_keys.py', {
    harness: { worker: false, config: { SIGNING_KEY_ENCRYPTION_KEY: encryptionKey } },
    handles: ['py-keys'],
    prefix: 'py-keys',
  });
  ({ harness: h, report: summary } = run);
  identityId = run.organization.identityId;
}, 300_000);

afterAll(async () => {
  await h?.close();
});

const isoOffset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+00:00$/;

describe('signing keys through the Inkbox Python SDK', () => {
  test('when it creates a key with signing_keys.create_or_rotate(handle), then it gets a whsec_ key that the server keeps encrypted', async () => {
    expect(summary.sdk_version).toMatch(/^0\.7\./);
    expect(summary.requests.every((request: SdkReport) => request.api_key_header)).toBe(true);
    expect(summary.status_before).toEqual({ configured: false, created_at: null });
    expect(summary.created).toEqual({ signing_key: expect.stringMatching(/^whsec_[0-9a-f]{64}$/), created_at: expect.stringMatching(isoOffset) });
    expect(summary.status_after_create).toEqual({ configured: true, created_at: summary.created.created_at });
  });

  test('when it rotates through identity.create_signing_key(), then the new key replaces the old one', async () => {
    expect(summary.rotated.signing_key).toMatch(/^whsec_[0-9a-f]{64}$/);
    expect(summary.rotated.signing_key).not.toBe(summary.created.signing_key);
    expect(summary.status_after_rotate).toEqual({ configured: true, created_at: summary.rotated.created_at });
    expect(await readSigningKey(h.db, identityId, encryptionKey)).toBe(summary.rotated.signing_key);
  });

  test('when it asks about an unknown handle, then the SDK raises a 404 with our sentence', () => {
    expect(summary.unknown_handle_error).toEqual({
      class: 'InkboxAPIError',
      status_code: 404,
      detail: 'Identity not found',
      message: expect.stringContaining('Identity not found'),
    });
  });
});
