/**
 * An order that may have been placed for `phoneNumber` under the provisioning's reference: the carrier's
 * list should show it by `listedByMs` (epoch ms). Carried in the details of `placeOrder`'s failures, so
 * compensation keeps looking for it until then.
 */
export interface MaybePlacedOrder {
  phoneNumber: string;
  listedByMs: number;
}

/** The failure details `placeOrder` attaches when its order may have been placed. */
export const maybePlacedOrderDetails = (order: MaybePlacedOrder): [{ maybePlacedOrder: MaybePlacedOrder }] => [{ maybePlacedOrder: order }];

/** The order a failure's details say may have been placed, or undefined when they name none. */
export function maybePlacedOrderOf(details: readonly unknown[] | null | undefined): MaybePlacedOrder | undefined {
  const [first] = details ?? [];
  const candidate = (first as { maybePlacedOrder?: MaybePlacedOrder } | undefined)?.maybePlacedOrder;
  return typeof candidate?.phoneNumber === 'string' && typeof candidate.listedByMs === 'number' ? candidate : undefined;
}
