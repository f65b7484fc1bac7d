import { usStates, type UsState } from './us-states.js';
import { areaCodes, tollFreePrefixes } from './area-codes.js';
import type { SandboxState } from './state.js';

/** Released numbers stay out of inventory this long, as at a real carrier. */
export const releaseQuarantineMs = 24 * 60 * 60 * 1000;

export interface InventoryNumber {
  phoneNumber: string;
  type: 'local' | 'toll_free';
  state: UsState | null;
  features: string[];
  /** Not an exact match of the search (documented on the result); some toll-free numbers are. */
  bestEffort: boolean;
  /** Can take calls right after purchase; some toll-free numbers cannot. */
  quickship: boolean;
}

/** Every 20th toll-free number is best effort, and another of every 20 is not quickship. */
const tollFreeFlags = (index: number) => ({ bestEffort: index % 20 === 7, quickship: index % 20 !== 13 });

/** The i-th number of a pool: deterministic, spread over the prefixes, unique for i < 8,000,000. */
function nthNumber(prefixes: readonly string[], i: number): string {
  const prefix = prefixes[i % prefixes.length]!;
  const subscriber = 2_000_000 + ((Math.floor(i / prefixes.length) * 7919) % 8_000_000);
  return `+1${prefix}${subscriber}`;
}

function localStock(state: SandboxState, usState: UsState): number {
  const local = state.config.inventory.local;
  return local[usState] ?? local.default ?? 0;
}

/** Every number the pools hold, before removing the sold and the recently released. */
function* pool(state: SandboxState, type: 'local' | 'toll_free' | null, usState: UsState | null): Generator<InventoryNumber> {
  if (type !== 'local' && usState === null) {
    for (let i = 0; i < state.config.inventory.toll_free; i += 1) {
      const index = i + state.number_offset;
      yield { phoneNumber: nthNumber(tollFreePrefixes, index), type: 'toll_free', state: null, features: ['sms', 'voice'], ...tollFreeFlags(index) };
    }
  }
  if (type === 'toll_free') return;
  for (const each of usState ? [usState] : usStates) {
    for (let i = 0; i < localStock(state, each); i += 1) {
      const phoneNumber = nthNumber(areaCodes[each], i + state.number_offset);
      yield { phoneNumber, type: 'local', state: each, features: ['sms', 'mms', 'voice'], bestEffort: false, quickship: true };
    }
  }
}

function isInStock(state: SandboxState, phoneNumber: string, now: number): boolean {
  const releasedAt = state.released[phoneNumber];
  if (releasedAt !== undefined && now - releasedAt < releaseQuarantineMs) return false;
  return !state.sold.includes(phoneNumber);
}

export interface InventoryQuery {
  type: 'local' | 'toll_free' | null;
  state: UsState | null;
  areaCode: string | null;
  features: string[];
  /** `filter[best_effort]=false` leaves best-effort results out; absent or true keeps them. */
  bestEffort: boolean;
  /** `filter[quickship]=true` leaves out numbers that are not quickship; absent or false keeps them. */
  quickship: boolean;
  limit: number;
}

export function searchInventory(state: SandboxState, query: InventoryQuery, now = Date.now()): InventoryNumber[] {
  const found: InventoryNumber[] = [];
  for (const candidate of pool(state, query.type, query.state)) {
    if (found.length >= query.limit) break;
    if (query.areaCode && candidate.phoneNumber.slice(2, 5) !== query.areaCode) continue;
    if (!query.features.every((feature) => candidate.features.includes(feature))) continue;
    if ((!query.bestEffort && candidate.bestEffort) || (query.quickship && !candidate.quickship)) continue;
    if (isInStock(state, candidate.phoneNumber, now)) found.push(candidate);
  }
  return found;
}

/** The inventory entry for a number that can be bought right now, or null. */
export function findInInventory(state: SandboxState, phoneNumber: string, now = Date.now()): InventoryNumber | null {
  if (!/^\+1\d{10}$/.test(phoneNumber) || !isInStock(state, phoneNumber, now)) return null;
  const areaCode = phoneNumber.slice(2, 5);
  const isTollFree = (tollFreePrefixes as readonly string[]).includes(areaCode);
  const usState = isTollFree ? null : usStates.find((each) => areaCodes[each].includes(areaCode));
  if (usState === undefined) return null;
  for (const candidate of pool(state, isTollFree ? 'toll_free' : 'local', usState)) {
    if (candidate.phoneNumber === phoneNumber) return candidate;
  }
  return null;
}

/** The JSON item `GET /v2/available_phone_numbers` returns. */
export function toAvailableJson(number: InventoryNumber) {
  const region = [
    ...(number.state ? [{ region_type: 'state', region_name: number.state }] : []),
    { region_type: 'country_code', region_name: 'US' },
  ];
  return {
    record_type: 'available_phone_number',
    phone_number: number.phoneNumber,
    best_effort: number.bestEffort,
    quickship: number.quickship,
    reservable: true,
    region_information: region,
    cost_information: { upfront_cost: '1.00', monthly_cost: number.type === 'toll_free' ? '2.00' : '1.00', currency: 'USD' },
    features: number.features.map((name) => ({ name })),
  };
}
