import { randomInt, randomUUID } from 'node:crypto';
import type { StockNumber } from './inventory.js';

/** A phone number resource on the account (`/v2/phone_numbers`). */
export interface AccountNumber {
  id: string;
  phone_number: string;
  phone_number_type: 'local' | 'toll_free';
  state: string | null;
  status: 'purchase-pending' | 'purchase-failed' | 'active' | 'deleted';
  connection_id: string | null;
  customer_reference: string | null;
  tags: string[];
  created_at: string;
  updated_at: string;
  purchased_at: string;
  activated_at: string | null;
  /** Until then the number still reads as just bought (legacy type, `purchase-pending`). */
  settlingUntil: number;
}

/** One line of a number order. */
export interface OrderLine {
  id: string;
  phone_number: string;
  phone_number_type: 'local' | 'toll_free';
  status: 'pending' | 'success' | 'failure';
  requirements_status: 'pending' | 'approved' | 'cancelled';
  sub_order_id: string;
  number_id: string;
}

export interface SubOrder {
  id: string;
  order_id: string;
  phone_number_type: 'local' | 'toll_free';
  status: 'pending' | 'success' | 'failure';
  created_at: string;
  updated_at: string;
  /** When it settles on its own; null: it stays pending until cancelled. */
  settlesAt: number | null;
  outcome: 'success' | 'failure';
}

export interface NumberOrder {
  id: string;
  connection_id: string | null;
  customer_reference: string | null;
  created_at: string;
  createdAtMs: number;
  updated_at: string;
  lines: OrderLine[];
  subOrderIds: string[];
}

/** What the test chooses about orders and consistency. */
export interface DoubleBehaviour {
  /** How a new order ends; `pending` leaves it pending until cancelled. */
  orderOutcome: 'success' | 'failure' | 'pending';
  /** Time from create to settling; 0 settles right after the create answered `pending`. */
  orderDelayMs: number;
  /** Extra time a toll-free number with `quickship: false` needs after purchase. */
  slowActivationMs: number;
  /** After an order succeeds, its numbers still read `purchase-pending` (and a legacy type) this long. */
  settleLagMs: number;
  /** An order appears in `GET /number_orders` lists only this long after it was created. */
  orderListLagMs: number;
}

export interface Fault {
  method: string;
  /** Matches the path (without query) when it starts with this. */
  pathPrefix: string;
  status: number;
  code: string;
  title: string;
  /** Answers left; null: until cleared. */
  remaining: number | null;
  /** Performs the request first, then answers the error: a timeout or 5xx after Telnyx acted (the ambiguous case). */
  afterCommit?: boolean;
}

export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  status: number;
  /** When it arrived (epoch ms). */
  at: number;
}

const numericId = () => `1${Array.from({ length: 18 }, () => randomInt(0, 10)).join('')}`;

/** Everything the double knows: stock, what searches offered, orders and account numbers. */
export class DoubleState {
  readonly stock: StockNumber[];
  /** Numbers a search returned: the docs allow ordering only those. */
  readonly offered = new Set<string>();
  readonly orders = new Map<string, NumberOrder>();
  readonly subOrders = new Map<string, SubOrder>();
  readonly numbers = new Map<string, AccountNumber>();
  readonly requests: SeenRequest[] = [];
  faults: Fault[] = [];

  constructor(
    stock: StockNumber[],
    public behaviour: DoubleBehaviour,
    readonly connectionIds: readonly string[],
  ) {
    this.stock = [...stock];
  }

  /** Applies what time has decided: orders that settled, numbers that finished settling. */
  tick(now = Date.now()): void {
    for (const sub of this.subOrders.values()) {
      if (sub.status === 'pending' && sub.settlesAt !== null && sub.settlesAt <= now) this.settleSubOrder(sub, sub.outcome, now);
    }
  }

  /** Ends a sub-order: its lines and numbers follow it. */
  settleSubOrder(sub: SubOrder, outcome: 'success' | 'failure', now = Date.now(), cancelled = false): void {
    const at = new Date(now).toISOString();
    sub.status = outcome;
    sub.updated_at = at;
    const order = this.orders.get(sub.order_id)!;
    order.updated_at = at;
    for (const line of order.lines.filter((candidate) => candidate.sub_order_id === sub.id)) {
      line.status = outcome;
      line.requirements_status = cancelled ? 'cancelled' : 'approved';
      const number = this.numbers.get(line.number_id)!;
      if (number.status !== 'purchase-pending') continue;
      number.updated_at = at;
      if (outcome === 'success') {
        number.status = 'active';
        number.activated_at = at;
        number.settlingUntil = now + this.behaviour.settleLagMs;
      } else {
        number.status = 'purchase-failed';
      }
    }
  }

  /** The order's status, from its sub-orders. */
  orderStatus(order: NumberOrder): 'pending' | 'success' | 'failure' {
    const statuses = order.subOrderIds.map((id) => this.subOrders.get(id)!.status);
    if (statuses.includes('pending')) return 'pending';
    return statuses.every((status) => status === 'success') ? 'success' : 'failure';
  }

  /** Takes the numbers out of stock and creates the order, its sub-orders (one per type) and number resources. */
  createOrder(stockNumbers: StockNumber[], connectionId: string | null, customerReference: string | null): NumberOrder {
    const now = Date.now();
    const at = new Date(now).toISOString();
    const order: NumberOrder = {
      id: randomUUID(),
      connection_id: connectionId,
      customer_reference: customerReference,
      created_at: at,
      createdAtMs: now,
      updated_at: at,
      lines: [],
      subOrderIds: [],
    };
    const subByType = new Map<string, SubOrder>();
    for (const stockNumber of stockNumbers) {
      this.stock.splice(this.stock.indexOf(stockNumber), 1);
      let sub = subByType.get(stockNumber.phone_number_type);
      if (!sub) {
        sub = {
          id: randomUUID(),
          order_id: order.id,
          phone_number_type: stockNumber.phone_number_type,
          status: 'pending',
          created_at: at,
          updated_at: at,
          settlesAt: null,
          outcome: this.behaviour.orderOutcome === 'failure' ? 'failure' : 'success',
        };
        subByType.set(stockNumber.phone_number_type, sub);
        this.subOrders.set(sub.id, sub);
        order.subOrderIds.push(sub.id);
      }
      if (this.behaviour.orderOutcome !== 'pending') {
        const slow = stockNumber.phone_number_type === 'toll_free' && !stockNumber.quickship ? this.behaviour.slowActivationMs : 0;
        sub.settlesAt = Math.max(sub.settlesAt ?? 0, now + this.behaviour.orderDelayMs + slow);
      }
      // The order's connection and reference stay on the order: nothing documents copying them to the number.
      const number: AccountNumber = {
        id: numericId(),
        phone_number: stockNumber.phone_number,
        phone_number_type: stockNumber.phone_number_type,
        state: stockNumber.state,
        status: 'purchase-pending',
        connection_id: null,
        customer_reference: null,
        tags: [],
        created_at: at,
        updated_at: at,
        purchased_at: at,
        activated_at: null,
        settlingUntil: 0,
      };
      this.numbers.set(number.id, number);
      order.lines.push({
        id: randomUUID(),
        phone_number: stockNumber.phone_number,
        phone_number_type: stockNumber.phone_number_type,
        status: 'pending',
        requirements_status: 'pending',
        sub_order_id: sub.id,
        number_id: number.id,
      });
    }
    this.orders.set(order.id, order);
    return order;
  }

  /** The first fault matching this request, spending one of its answers. */
  takeFault(method: string, path: string): Fault | undefined {
    const fault = this.faults.find((candidate) => candidate.method === method && path.startsWith(candidate.pathPrefix) && candidate.remaining !== 0);
    if (fault && fault.remaining !== null) fault.remaining -= 1;
    return fault;
  }
}
