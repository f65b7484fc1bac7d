import { availablePhoneNumbers } from './available-phone-numbers.js';
import { createNumberOrder, listNumberOrders, retrieveNumberOrder } from './number-orders.js';
import { deletePhoneNumber, listPhoneNumbers, retrievePhoneNumber, updatePhoneNumber } from './phone-numbers.js';
import type { Route } from './route.js';
import { cancelSubNumberOrder, retrieveSubNumberOrder } from './sub-number-orders.js';

/** Every `/v2` endpoint the double serves. */
export const routes: readonly Route[] = [
  availablePhoneNumbers,
  createNumberOrder,
  listNumberOrders,
  retrieveNumberOrder,
  retrieveSubNumberOrder,
  cancelSubNumberOrder,
  listPhoneNumbers,
  retrievePhoneNumber,
  updatePhoneNumber,
  deletePhoneNumber,
];
