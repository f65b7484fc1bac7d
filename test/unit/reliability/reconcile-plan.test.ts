import { describe, expect, it } from 'vitest';
import { isDeploymentNumber, planReconciliation } from '../../../activities/reconcile-plan.js';
import type { OwnedNumber } from '../../../carrier/carrier.js';
import type { ReconcileRow } from '../../../db/repositories/reconciliation.js';
import { deploymentTag, organizationTag, serviceTag } from '../../../domain/carrier-tags.js';

const now = Date.parse('2026-01-01T12:00:00Z');
const hourAgo = new Date(now - 60 * 60_000).toISOString();
const org = '11111111-1111-1111-1111-111111111111';
const scope = { deploymentId: 'prod', connectionId: 'conn-prod' };
const ourTags = [serviceTag, deploymentTag(scope.deploymentId), organizationTag(org)];

function carrierNumber(overrides: Partial<OwnedNumber> = {}): OwnedNumber {
  return {
    id: '1001', phoneNumber: '+15035550001', status: 'active', connectionId: scope.connectionId,
    customerReference: `provision/${org}/key`, tags: ourTags, createdAt: hourAgo, ...overrides,
  };
}

function row(overrides: Partial<ReconcileRow> = {}): ReconcileRow {
  return {
    id: 'row-1', organization_id: org, number: '+15035550001', status: 'active', workflow_id: `provision/${org}/key`,
    carrier_number_id: '1001', carrier_released_at: null, carrier_missing_at: null, ...overrides,
  };
}

const plan = (owned: OwnedNumber[], rows: ReconcileRow[], extra: { organizationIds?: string[]; maxReleases?: number } = {}) =>
  planReconciliation(owned, rows, { now, graceMs: 60_000, maxReleases: 10, ...scope, ...extra });

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

  it('when a number carries another deployment tag, another connection, or only the service tag and a provision reference, then it is not counted or touched', () => {
    const numbers = [
      carrierNumber({ id: '1', tags: [serviceTag, deploymentTag('staging'), organizationTag(org)] }),
      carrierNumber({ id: '2', connectionId: 'conn-staging' }),
      carrierNumber({ id: '3', connectionId: null }),
      carrierNumber({ id: '4', tags: [serviceTag, organizationTag(org)] }),
      carrierNumber({ id: '5', tags: [], customerReference: null }),
    ];

    const result = plan(numbers, []);

    expect(result).toMatchObject({ carrierNumbers: 0, orphans: [], skippedInGrace: 0 });
  });

  it('when a number has the deployment tag and sits on the connection, then it is this deployment\'s', () => {
    expect(isDeploymentNumber(carrierNumber(), scope)).toBe(true);
    expect(isDeploymentNumber(carrierNumber({ connectionId: 'conn-staging' }), scope)).toBe(false);
    expect(isDeploymentNumber(carrierNumber({ tags: [deploymentTag('prod-2')] }), scope)).toBe(false);
  });

  it('when a tagged number has no readable age, then it is kept as if inside the grace period', () => {
    const result = plan([carrierNumber({ customerReference: null, createdAt: '' })], []);

    expect(result).toMatchObject({ carrierNumbers: 1, orphans: [], skippedInGrace: 1 });
  });

  it('when the sweep is scoped to organizations, then the org tag decides and the reference is not parsed', () => {
    const numbers = [
      carrierNumber({ id: '1', tags: [serviceTag, deploymentTag('prod'), organizationTag('another-org')] }),
      carrierNumber({ id: '2', phoneNumber: '+15035550002', customerReference: 'provision/another-org/key' }),
    ];

    const result = plan(numbers, [], { organizationIds: [org] });

    expect(result.carrierNumbers).toBe(1);
    expect(result.orphans.map((orphan) => orphan.carrierNumberId)).toEqual(['2']);
  });

  it('when there are more orphans than maxReleases, then none is planned for release and all are reported over the cap', () => {
    const numbers = [carrierNumber({ id: '1' }), carrierNumber({ id: '2', phoneNumber: '+15035550002' })];

    const result = plan(numbers, [], { maxReleases: 1 });

    expect(result.orphans).toEqual([]);
    expect(result.overCap).toEqual({ maxReleases: 1, orphans: [expect.objectContaining({ carrierNumberId: '1' }), expect.objectContaining({ carrierNumberId: '2' })] });
  });

  it('when the orphans are exactly maxReleases, then all are planned for release', () => {
    const result = plan([carrierNumber()], [], { maxReleases: 1 });

    expect(result.orphans).toHaveLength(1);
    expect(result.overCap).toBeUndefined();
  });

  it('when a flagged row is listed by the carrier again, then it is recovered; when a row is missing, then it is a suspect', () => {
    const rows = [row({ carrier_missing_at: new Date(now) }), row({ id: 'row-2', number: '+15035550002', status: 'paused' })];

    const result = plan([carrierNumber()], rows);

    expect(result.recoveredIds).toEqual(['row-1']);
    expect(result.missing).toEqual([{ phoneNumberId: 'row-2', organizationId: org, number: '+15035550002' }]);
    expect(result.liveRows).toBe(2);
  });
});
