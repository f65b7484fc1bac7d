import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../../chaos/api-client.js';
import type { CalmWindow } from '../../../chaos/fault-schedule.js';
import { livenessFloor, livenessOutsideFaultWindows } from '../../../chaos/invariants.js';
import { provisionEndpoints } from '../../../chaos/load.js';

const loadStartedAt = Date.parse('2026-01-01T12:00:00Z');
/** A storm from 0 to 20 s, a calm from 20 to 30 s, another storm after. */
const calm: CalmWindow[] = [{ fromMs: 20_000, toMs: 30_000, recoveryMs: 1_000 }];

function post(atMs: number, status: number | null, overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    endpoint: provisionEndpoints.sync,
    status,
    error: status === 503 ? 'unavailable' : null,
    networkError: status === null ? 'UND_ERR_SOCKET' : null,
    workflowId: null,
    numberId: status === 201 || status === 202 ? `number-${atMs}` : null,
    at: loadStartedAt + atMs,
    ms: 50,
    ...overrides,
  };
}

const noneProvisioned = new Set<string>();

/** `count` POSTs spread over the calm window. */
const inCalm = (count: number, make: (atMs: number, index: number) => RequestRecord) => Array.from({ length: count }, (_, index) => make(20_000 + index * 100, index));

describe('livenessOutsideFaultWindows', () => {
  it('when every POST issued outside the fault windows got 503, then the floor fails', () => {
    const records = inCalm(40, (atMs) => post(atMs, 503));

    const result = livenessOutsideFaultWindows(records, calm, loadStartedAt, noneProvisioned);

    expect(result.pass).toBe(false);
    expect(result.figures).toContain('0 of 40 succeeded');
    expect(result.details).toContain('40 x 503 unavailable');
  });

  it('when most POSTs outside the fault windows got 201 or a 202 whose number was provisioned, then the floor holds, whatever happened inside the windows', () => {
    const healthy = inCalm(40, (atMs, index) => post(atMs, index % 4 === 0 ? 202 : index % 4 === 1 ? 503 : 201, index % 8 === 0 ? { endpoint: provisionEndpoints.async } : {}));
    const provisioned = new Set(healthy.filter((record) => record.status === 202).map((record) => record.numberId!));
    const duringStorms = [...Array.from({ length: 100 }, (_, index) => post(index * 100, 503)), post(30_000, 503), post(45_000, null)];

    const result = livenessOutsideFaultWindows([...healthy, ...duringStorms], calm, loadStartedAt, provisioned);

    expect(result.details).toEqual([]);
    expect(result.pass).toBe(true);
    expect(result.figures).toContain('30 of 40 succeeded (10 of them 202 then provisioned): 75.0 %');
  });

  it('when POSTs outside the fault windows got 202 for numbers never provisioned, then they do not count as successes', () => {
    const records = inCalm(40, (atMs, index) => post(atMs, index < 30 ? 202 : 201));

    const result = livenessOutsideFaultWindows(records, calm, loadStartedAt, noneProvisioned);

    expect(result.pass).toBe(false);
    expect(result.figures).toContain('10 of 40 succeeded');
    expect(result.details).toContain('30 x 202 never provisioned');
  });

  it('when the service refuses every POST for the organization limit, then there are too few judged POSTs and the floor fails', () => {
    const records = inCalm(40, (atMs) => post(atMs, 429, { error: 'phone_number_limit_reached' }));

    const result = livenessOutsideFaultWindows(records, calm, loadStartedAt, noneProvisioned);

    expect(result.pass).toBe(false);
    expect(result.details[0]).toBe(`only 0 POSTs to judge outside fault windows; the floor needs at least ${livenessFloor.minJudged}`);
  });

  it('when no calm window was ever open, then the floor fails', () => {
    const records = Array.from({ length: 40 }, (_, index) => post(index * 100, 201));

    const result = livenessOutsideFaultWindows(records, [], loadStartedAt, noneProvisioned);

    expect(result.pass).toBe(false);
  });
});
