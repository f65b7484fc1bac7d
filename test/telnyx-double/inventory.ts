import { randomInt } from 'node:crypto';

/** A number the double can sell, before anyone searched for it. */
export interface StockNumber {
  phone_number: string;
  phone_number_type: 'local' | 'toll_free';
  /** Two-letter US state of a local number; toll-free numbers have none. */
  state: string | null;
  quickship: boolean;
  features: string[];
}

/** Real area codes of the states the double stocks (NANPA). */
export const areaCodes: Record<string, string> = { VT: '802', NH: '603', ME: '207', WY: '307' };
const tollFreePrefixes = ['833', '844', '855', '866', '877', '888'];

export interface InventoryOptions {
  /** Toll-free numbers that activate at once (`quickship: true`). */
  tollFreeQuickship?: number;
  /** Toll-free numbers that need extra time after purchase (`quickship: false`). */
  tollFreeSlow?: number;
  /** Local numbers per state (keys of `areaCodes`). */
  local?: Record<string, number>;
}

function randomSubscriber(): string {
  // Exchange codes never start with 0 or 1 in the NANP; 555 stays out of the way of fiction.
  return `${randomInt(200, 1000)}${String(randomInt(0, 10_000)).padStart(4, '0')}`.replace(/^555/, '556');
}

/**
 * Random numbers each run, so that parallel test files (which share one database and its unique index on
 * live numbers) never meet the same number from another carrier double or sandbox.
 */
export function createInventory(options: InventoryOptions): StockNumber[] {
  const seen = new Set<string>();
  const stock: StockNumber[] = [];
  const add = (make: () => Omit<StockNumber, 'phone_number'> & { npa: string }) => {
    for (;;) {
      const { npa, ...rest } = make();
      const phone = `+1${npa}${randomSubscriber()}`;
      if (seen.has(phone)) continue;
      seen.add(phone);
      stock.push({ phone_number: phone, ...rest });
      return;
    }
  };
  for (let i = 0; i < (options.tollFreeSlow ?? 0); i++) {
    add(() => ({ npa: tollFreePrefixes[randomInt(0, tollFreePrefixes.length)]!, phone_number_type: 'toll_free', state: null, quickship: false, features: ['voice', 'sms'] }));
  }
  for (let i = 0; i < (options.tollFreeQuickship ?? 0); i++) {
    add(() => ({ npa: tollFreePrefixes[randomInt(0, tollFreePrefixes.length)]!, phone_number_type: 'toll_free', state: null, quickship: true, features: ['voice', 'sms'] }));
  }
  for (const [state, count] of Object.entries(options.local ?? {})) {
    const npa = areaCodes[state];
    if (!npa) throw new Error(`the double has no area code for ${state}`);
    for (let i = 0; i < count; i++) add(() => ({ npa, phone_number_type: 'local', state, quickship: true, features: ['voice', 'sms', 'mms'] }));
  }
  return stock;
}
