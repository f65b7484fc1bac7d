import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { errorTable } from '../api/errors/error-table.js';
import { taggedOrganization } from '../domain/carrier-tags.js';
import { failureTypes } from '../domain/failures.js';
import { liveStatuses } from '../domain/phone-number.js';
import type { RequestRecord } from './api-client.js';
import type { CalmWindow } from './fault-schedule.js';
import { provisionEndpoints, type DuplicatePair } from './load.js';
import type { Quiescence } from './quiescence.js';
import type { ChaosStack } from './stack.js';

/** Every invariant a run checks, in report order. */
export const invariantNames = [
  'no_orphaned_numbers',
  'no_double_purchase',
  'no_organization_over_limit',
  'no_stuck_workflow',
  'every_request_documented',
  'idempotent_duplicates_agree',
  'liveness_outside_fault_windows',
] as const;

export interface InvariantResult {
  name: (typeof invariantNames)[number];
  pass: boolean;
  figures: string;
  /** Up to a few examples of what broke it. */
  details: string[];
}

/**
 * Statuses a well-formed request of the load may get (api.md). 400/401/403/413/415/422 are documented
 * too but mean the load itself is malformed, and 500 or no answer is never acceptable.
 */
export const acceptedStatuses = new Set([200, 201, 202, 204, 404, 409, 429, 502, 503]);
const expectedFailureTypes = new Set<string>(Object.values(failureTypes));
const examples = (items: string[]) => items.slice(0, 8);
const result = (name: InvariantResult['name'], violations: string[], figures: string): InvariantResult => ({ name, pass: violations.length === 0, figures, details: examples(violations) });

export function documentedStatuses(records: RequestRecord[]): InvariantResult {
  const violations: string[] = [];
  for (const record of records) {
    const where = `${record.endpoint}${record.workflowId ? ` (workflow ${record.workflowId})` : ''}`;
    if (record.status === null) violations.push(`${where}: no answer (${record.networkError})`);
    else if (!acceptedStatuses.has(record.status)) violations.push(`${where}: ${record.status} ${record.error ?? ''}`);
    else if (record.status >= 400) {
      const entry = record.error ? errorTable[record.error as keyof typeof errorTable] : undefined;
      if (entry?.status !== record.status) violations.push(`${where}: ${record.status} with error code ${record.error ?? '(none)'}`);
    }
  }
  return result('every_request_documented', violations, `${records.length} requests, ${violations.length} undocumented answers`);
}

export async function noOrphanedNumbers(stack: ChaosStack): Promise<InvariantResult> {
  const ownedNumbers = await stack.control.ownedNumbers();
  const owned = new Set(ownedNumbers.map((number) => number.phone_number));
  const referenceOf = new Map(ownedNumbers.map((number) => [number.phone_number, number.order_customer_reference]));
  const rows = await stack.db.selectFrom('phone_numbers').select(['number', 'status', 'workflow_id']).where('status', 'in', [...liveStatuses]).execute();
  const live = new Set(rows.map((row) => row.number).filter((number): number is string => number !== null));
  const orphans = [...owned].filter((number) => !live.has(number)).map((number) => `orphan: ${number} owned at the carrier (ordered by ${referenceOf.get(number) ?? 'no reference'}), no live row`);
  const ghosts = rows.filter((row) => !row.number || !owned.has(row.number)).map((row) => `ghost: live row ${row.number ?? '(no number)'} (${row.status}, ${row.workflow_id}) not owned at the carrier`);
  return result('no_orphaned_numbers', [...orphans, ...ghosts], `carrier owns ${owned.size}, database has ${live.size} live; ${orphans.length} orphans, ${ghosts.length} ghosts`);
}

export async function noDoublePurchase(stack: ChaosStack): Promise<InvariantResult> {
  const orders = await stack.control.orders();
  const successful = new Map<string, number>();
  for (const order of orders) {
    if (order.status !== 'success' || !order.customer_reference) continue;
    successful.set(order.customer_reference, (successful.get(order.customer_reference) ?? 0) + 1);
  }
  const doubles = [...successful].filter(([, count]) => count > 1).map(([reference, count]) => `${reference}: ${count} successful orders`);
  return result('no_double_purchase', doubles, `${orders.length} orders, ${successful.size} references with a successful order, ${doubles.length} bought more than once`);
}

export async function noOrganizationOverLimit(stack: ChaosStack, limit: number, maxLiveSeen: number): Promise<InvariantResult> {
  const violations: string[] = [];
  const rows = await stack.db
    .selectFrom('phone_numbers')
    .select(['organization_id', ({ fn }) => fn.countAll<string>().as('n')])
    .where('status', 'in', [...liveStatuses])
    .groupBy('organization_id')
    .execute();
  for (const row of rows) if (Number(row.n) > limit) violations.push(`organization ${row.organization_id}: ${row.n} live rows`);
  // Every order's reference is the workflow id of a provisioning, whose row names the organization.
  const provisionings = await stack.db.selectFrom('phone_numbers').select(['workflow_id', 'organization_id']).execute();
  const organizationOfWorkflow = new Map(provisionings.map((row) => [row.workflow_id, row.organization_id]));
  const atCarrier = new Map<string, number>();
  for (const number of await stack.control.ownedNumbers()) {
    // The order's reference: a number's own stays empty until configuring sets it (with the org: tag).
    const reference = number.order_customer_reference ?? number.customer_reference;
    const organizationId = taggedOrganization(number.tags) ?? (reference && organizationOfWorkflow.get(reference)) ?? '(none)';
    atCarrier.set(organizationId, (atCarrier.get(organizationId) ?? 0) + 1);
  }
  for (const [organizationId, count] of atCarrier) if (count > limit) violations.push(`organization ${organizationId}: ${count} numbers at the carrier`);
  if (maxLiveSeen > limit) violations.push(`sampled during the run: an organization held ${maxLiveSeen} live rows`);
  const maxNow = Math.max(0, ...rows.map((row) => Number(row.n)), ...atCarrier.values());
  return result('no_organization_over_limit', violations, `limit ${limit}; most held at the end ${maxNow}, most live rows sampled during the run ${maxLiveSeen}`);
}

function failureTypeOf(error: unknown): string {
  let current = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth += 1) {
    if (current instanceof ApplicationFailure && current.type) return current.type;
    current = current.cause;
  }
  return `(no type: ${error instanceof Error ? error.message : String(error)})`;
}

export async function noStuckWorkflow(stack: ChaosStack, quiescence: Quiescence): Promise<InvariantResult> {
  const violations: string[] = [];
  if (!quiescence.quiet) violations.push(`not quiet after ${quiescence.waitedMs} ms: ${quiescence.running} running workflows, ${quiescence.provisioningRows} rows provisioning`);
  for await (const execution of stack.temporal.workflow.list({ query: 'ExecutionStatus="Running"' })) {
    violations.push(`still running: ${execution.type} ${execution.workflowId}`);
  }
  const byType = new Map<string, number>();
  for await (const execution of stack.temporal.workflow.list({ query: 'ExecutionStatus="Failed"' })) {
    const type = await stack.temporal.workflow
      .getHandle(execution.workflowId, execution.runId)
      .result()
      .then(() => '(completed?)', (error: unknown) => (error instanceof WorkflowFailedError ? failureTypeOf(error.cause) : String(error)));
    byType.set(type, (byType.get(type) ?? 0) + 1);
    if (!expectedFailureTypes.has(type)) violations.push(`failed with unexpected type ${type}: ${execution.type} ${execution.workflowId}`);
  }
  for (const status of ['TimedOut', 'Terminated']) {
    for await (const execution of stack.temporal.workflow.list({ query: `ExecutionStatus="${status}"` })) violations.push(`${status}: ${execution.workflowId}`);
  }
  const unreleased = await stack.db.selectFrom('phone_numbers').select(['id', 'number']).where('status', '=', 'released').where('carrier_number_id', 'is not', null).where('carrier_released_at', 'is', null).execute();
  for (const row of unreleased) violations.push(`released row ${row.id} (${row.number}) never confirmed released at the carrier`);
  const counts = await Promise.all(['Completed', 'Failed', 'Canceled'].map(async (status) => `${(await stack.temporal.workflow.count(`ExecutionStatus="${status}"`)).count} ${status.toLowerCase()}`));
  const failures = [...byType].map(([type, count]) => `${type} ${count}`).join(', ') || 'none';
  return result('no_stuck_workflow', violations, `quiet after ${quiescence.waitedMs} ms; ${counts.join(', ')}; failure types: ${failures}`);
}

export function idempotentDuplicatesAgree(pairs: DuplicatePair[]): InvariantResult {
  const violations: string[] = [];
  for (const { key, answers } of pairs) {
    const [a, b] = answers as [DuplicatePair['answers'][number], DuplicatePair['answers'][number]];
    const settled = [a, b].filter((answer) => answer.status !== 503 && answer.status !== null);
    if (settled.length < 2) continue;
    const [x, y] = settled as [typeof a, typeof b];
    // A 202 may be followed by the final outcome for the other request; both name the same row or error.
    const agree = x.id && y.id ? x.id === y.id : x.error && y.error ? x.error === y.error : x.status === 202 || y.status === 202;
    if (!agree) violations.push(`key ${key}: ${x.status} ${x.id ?? x.error} vs ${y.status} ${y.id ?? y.error}`);
  }
  return result('idempotent_duplicates_agree', violations, `${pairs.length} keys sent twice at once, ${violations.length} disagreed`);
}

/**
 * The liveness floor: of the POST /numbers issued while no fault window was open, at least this share
 * succeed: 201, or 202 for a number that was provisioned later (a slow success, not a refusal).
 * Refusals a healthy service owes a valid request (the organization's limit, an identity already
 * holding a number) are left out, and fewer than `minJudged` judged POSTs fails too, so a service
 * that refuses everything cannot pass.
 */
export const livenessFloor = { minShare: 0.5, minJudged: 20 } as const;
const excusedRefusals = new Set(['phone_number_limit_reached', 'identity_has_number']);

/** Of the numbers 202s named, those provisioned in the end (registered with the carrier's id). */
export async function provisionedNumberIds(stack: ChaosStack, records: RequestRecord[]): Promise<Set<string>> {
  const ids = [...new Set(records.filter((record) => record.status === 202 && record.numberId).map((record) => record.numberId!))];
  if (ids.length === 0) return new Set();
  const rows = await stack.db.selectFrom('phone_numbers').select('id').where('id', 'in', ids).where('carrier_number_id', 'is not', null).execute();
  return new Set(rows.map((row) => row.id));
}

export function livenessOutsideFaultWindows(records: RequestRecord[], calmWindows: CalmWindow[], loadStartedAt: number, provisioned: ReadonlySet<string>): InvariantResult {
  const inCalm = (record: RequestRecord) => calmWindows.some((calm) => record.at - loadStartedAt >= calm.fromMs && record.at - loadStartedAt < calm.toMs);
  const posts = records.filter((record) => (record.endpoint === provisionEndpoints.sync || record.endpoint === provisionEndpoints.async) && inCalm(record));
  const judged = posts.filter((record) => !(record.error && excusedRefusals.has(record.error)));
  const succeeded = judged.filter((record) => record.status === 201 || (record.status === 202 && record.numberId !== null && provisioned.has(record.numberId)));
  const share = judged.length === 0 ? 0 : succeeded.length / judged.length;
  const violations: string[] = [];
  if (judged.length < livenessFloor.minJudged) violations.push(`only ${judged.length} POSTs to judge outside fault windows; the floor needs at least ${livenessFloor.minJudged}`);
  if (share < livenessFloor.minShare) {
    const outcomes = new Map<string, number>();
    for (const record of judged.filter((each) => !succeeded.includes(each))) {
      const outcome = `${record.status ?? `no answer (${record.networkError})`} ${record.error ?? (record.status === 202 ? 'never provisioned' : '')}`.trim();
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    violations.push(`${percent(share)} succeeded, below the floor of ${percent(livenessFloor.minShare)}`);
    for (const [outcome, count] of outcomes) violations.push(`${count} x ${outcome}`);
  }
  const calmMs = calmWindows.reduce((total, calm) => total + calm.toMs - calm.fromMs, 0);
  const slow = succeeded.filter((record) => record.status === 202).length;
  return result(
    'liveness_outside_fault_windows',
    violations,
    `${calmWindows.length} calm windows (${(calmMs / 1000).toFixed(1)} s): ${posts.length} POSTs, ${posts.length - judged.length} refused by limit or held identity; ` +
      `${succeeded.length} of ${judged.length} succeeded (${slow} of them 202 then provisioned): ${percent(share)}, floor ${percent(livenessFloor.minShare)}`,
  );
}

const percent = (share: number) => `${(share * 100).toFixed(1)} %`;
