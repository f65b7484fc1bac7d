import { describe, expect, it } from 'vitest';
import { serviceTag } from '../../../activities/carrier-activities.js';
import { planReconciliation } from '../../../activities/reconcile-plan.js';
import type { OwnedNumber } from '../../../carrier/carrier.js';
import type { ReconcileRow } from '../../../db/repositories/reconciliation.js';

const now = Date.parse('2026-01-01T12:00:00Z');
const hourAgo = new Date(now - 60 * 60_000).toISOString();
const org = '11111111-1111-1111-1111-111111111111';

function carrierNumber(overrides: Partial<OwnedNumber> = {}): OwnedNumber {
  return {
    id: '1001', phoneNumber: '+15035550001', status: 'active', connectionId: null,
    customerReference: `provision/${org}/key`, tags: [], createdAt: hourAgo, ...overrides,
  };
}

function row(overrides: Partial<ReconcileRow> = {}): ReconcileRow {
  return {
    id: 'row-1', organization_id: org, number: '+15035550001', status: 'active', workflow_id: `provision/${org}/key`,
    carrier_number_id: '1001', carrier_released_at: null, carrier_missing_at: null, ...overrides,
  };
}

const plan = (owned: OwnedNumber[], rows: ReconcileRow[], extra: { organizationIds?: string[] } = {}) =>
  planReconciliation(owned, rows, { now, graceMs: 60_000, ...extra });

describe('planReconciliation', () => {
  it('when the provisioning that ordered a number has not recorded the number on its row yet, then the number is in flight, not orphaned', () => {
    const result = plan([carrierNumber()], [row({ status: 'provisioning', number: null, carrier_number_id: null })]);

    expect(result).toMatchObject({ orphans: [], skippedInFlight: 1 });
  });

  it('when a released row still waits for its carrier release, then its number is left to the release workflow', () => {
    const result = plan([carrierNumber()], [row({ status: 'released' })]);

    expect(result).toMatchObject({ orphans: [], skippedInFlight: 1 });
  });

  it('when a released row never reached the carrier (cancelled provisioning), then a number bought under it later is an orphan', () => {
    const result = plan([carrierNumber()], [row({ status: 'released', carrier_number_id: null })]);

    expect(result.orphans.map((orphan) => orphan.phoneNumber)).toEqual(['+15035550001']);
  });

  it('when a number was neither ordered by provisioning nor tagged by this service, then it is not counted or touched', () => {
    const result = plan([carrierNumber({ customerReference: 'bought-by-an-operator' }), carrierNumber({ customerReference: null, tags: ['other'] })], []);

    expect(result).toMatchObject({ carrierNumbers: 0, orphans: [], skippedInGrace: 0 });
  });

  it('when a tagged number has no readable age, then it is kept as if inside the grace period', () => {
    const result = plan([carrierNumber({ customerReference: null, tags: [serviceTag, `org:${org}`], createdAt: '' })], []);

    expect(result).toMatchObject({ carrierNumbers: 1, orphans: [], skippedInGrace: 1 });
  });

  it('when the sweep is scoped to organizations, then numbers bought for others are out of it', () => {
    const result = plan([carrierNumber({ customerReference: 'provision/another-org/key' })], [], { organizationIds: [org] });

    expect(result).toMatchObject({ carrierNumbers: 0, orphans: [] });
  });

  it('when a flagged row is listed by the carrier again, then it is recovered; when a row is missing, then it is a suspect', () => {
    const rows = [row({ carrier_missing_at: new Date(now) }), row({ id: 'row-2', number: '+15035550002', status: 'paused' })];

    const result = plan([carrierNumber()], rows);

    expect(result.recoveredIds).toEqual(['row-1']);
    expect(result.missing).toEqual([{ phoneNumberId: 'row-2', organizationId: org, number: '+15035550002' }]);
    expect(result.liveRows).toBe(2);
  });
});
