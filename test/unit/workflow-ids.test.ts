import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../domain/sha256-hex.js';
import { maxWorkflowIdLength, workflowIds } from '../../domain/workflow-contract.js';

const organizationId = '6f1c2b7e-3d4a-4f5b-8c9d-0e1f2a3b4c5d';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('workflowIds.provision', () => {
  it('when provision/<org>/<key> fits in 255 characters, then it is the id unchanged', () => {
    const longestPlainKey = 'k'.repeat(maxWorkflowIdLength - `provision/${organizationId}/`.length);

    expect(workflowIds.provision(organizationId, 'order-1')).toBe(`provision/${organizationId}/order-1`);
    expect(workflowIds.provision(organizationId, longestPlainKey)).toBe(`provision/${organizationId}/${longestPlainKey}`);
    expect(workflowIds.provision(organizationId, longestPlainKey)).toHaveLength(255);
  });

  it('when it would not fit, then the key is replaced by sha256-<hex of the key>', () => {
    const key = 'k'.repeat(255 - `provision/${organizationId}/`.length + 1);

    expect(workflowIds.provision(organizationId, key)).toBe(`provision/${organizationId}/sha256-${sha256(key)}`);
  });

  it('when the key is as long as the API allows (255 visible ASCII characters), then the id stays within 255 characters and is distinct per key', () => {
    const one = workflowIds.provision(organizationId, '~'.repeat(255));
    const other = workflowIds.provision(organizationId, `${'~'.repeat(254)}!`);

    expect(one.length).toBeLessThanOrEqual(maxWorkflowIdLength);
    expect(one).not.toBe(other);
  });
});

describe('sha256Hex', () => {
  it('when given texts across block boundaries and non-ASCII, then it equals node:crypto', () => {
    for (const text of ['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'x'.repeat(1000), 'é漢字🙂']) {
      expect(sha256Hex(text)).toBe(sha256(text));
    }
  });
});
