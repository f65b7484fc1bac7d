export { provisionNumber } from './provision-number.js';
export { releaseNumber } from './release-number.js';
export { reconcileInventory } from './reconcile-inventory.js';
export { watchPendingOrders } from './watch-pending-orders.js';
export { handleIncomingCall } from './handle-incoming-call.js';
