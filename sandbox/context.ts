import type { CallRegistry } from './call-registry.js';
import type { SigningKeys } from './keys.js';
import type { OrderRecord, SandboxState } from './state.js';

/** What the sandbox's handlers share: the state and the side effects a mutation may trigger. */
export interface SandboxContext {
  state: SandboxState;
  keys: SigningKeys;
  /** Incoming calls (in memory, never persisted). */
  calls: CallRegistry;
  /** Call after every mutation; writes the state file when one is configured. */
  persist(): void;
  /** Arms the timer that completes a pending order at its `complete_at`. */
  scheduleCompletion(order: OrderRecord): void;
  /** Sends the signed `number_order.complete` webhook for an order that just completed. */
  orderCompleted(order: OrderRecord): void;
}
