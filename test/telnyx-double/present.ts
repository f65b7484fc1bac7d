import type { AccountNumber, DoubleState, NumberOrder, SubOrder } from './state.js';
import type { StockNumber } from './inventory.js';

/** An `available_phone_number` item, as `AvailablePhoneNumberListResponse.Data` types it. */
export function presentAvailable(stock: StockNumber, bestEffort: boolean) {
  return {
    record_type: 'available_phone_number',
    phone_number: stock.phone_number,
    best_effort: bestEffort,
    quickship: stock.quickship,
    reservable: true,
    region_information: [
      { region_type: 'country_code', region_name: 'US' },
      ...(stock.state ? [{ region_type: 'state', region_name: stock.state }] : []),
    ],
    cost_information: { upfront_cost: '1.00', monthly_cost: '1.00', currency: 'USD' },
    features: stock.features.map((name) => ({ name })),
  };
}

/**
 * A phone number resource (`NumbersPhoneNumberDetailed`). Right after a purchase completes the type may
 * read in its legacy spelling, as the `phone_number_type` doc comment warns, and the status still
 * `purchase-pending` (the stricter reading of "can briefly read").
 */
export function presentNumber(number: AccountNumber, now = Date.now()) {
  const settling = number.status === 'active' && now < number.settlingUntil;
  const legacyType = number.phone_number_type === 'toll_free' ? 'tollfree' : 'longcode';
  return {
    id: number.id,
    record_type: 'phone_number',
    phone_number: number.phone_number,
    status: settling ? 'purchase-pending' : number.status,
    phone_number_type: settling ? legacyType : number.phone_number_type,
    country_iso_alpha2: 'US',
    connection_id: number.connection_id,
    connection_name: number.connection_id ? `connection ${number.connection_id}` : null,
    customer_reference: number.customer_reference,
    tags: [...number.tags],
    external_pin: null,
    deletion_lock_enabled: false,
    emergency_enabled: false,
    billing_group_id: null,
    messaging_profile_id: null,
    source_type: 'number_order',
    created_at: number.created_at,
    updated_at: number.updated_at,
    purchased_at: number.purchased_at,
    activated_at: number.activated_at,
  };
}

/** A number order (`NumberOrderWithPhoneNumbers`); its status is derived from its sub-orders. */
export function presentOrder(state: DoubleState, order: NumberOrder) {
  return {
    id: order.id,
    record_type: 'number_order',
    status: state.orderStatus(order),
    connection_id: order.connection_id,
    customer_reference: order.customer_reference,
    phone_numbers_count: order.lines.length,
    requirements_met: true,
    sub_number_orders_ids: [...order.subOrderIds],
    created_at: order.created_at,
    updated_at: order.updated_at,
    phone_numbers: order.lines.map((line) => ({
      id: line.id,
      record_type: 'number_order_phone_number',
      phone_number: line.phone_number,
      phone_number_type: line.phone_number_type,
      country_code: 'US',
      status: line.status,
      requirements_met: true,
      requirements_status: line.requirements_status,
      regulatory_requirements: [],
    })),
  };
}

/** A sub number order (`NumbersSubNumberOrder`). */
export function presentSubOrder(state: DoubleState, sub: SubOrder) {
  const order = state.orders.get(sub.order_id)!;
  const lines = order.lines.filter((line) => line.sub_order_id === sub.id);
  return {
    id: sub.id,
    record_type: 'sub_number_order',
    order_request_id: order.id,
    country_code: 'US',
    phone_number_type: sub.phone_number_type,
    status: sub.status,
    customer_reference: order.customer_reference,
    phone_numbers_count: lines.length,
    requirements_met: true,
    regulatory_requirements: [],
    is_block_sub_number_order: false,
    created_at: sub.created_at,
    updated_at: sub.updated_at,
  };
}
