import { onShutdown, type Shutdown } from '../lifecycle/on-shutdown.js';

/**
 * The one shutdown path for a stack that lives inside a larger program (a test file, the chaos or
 * bench tool): the same reverse-order closers, but no signal handlers and no process exit, since the
 * program around it owns both. A closer that throws goes to `onError` and the others still run.
 */
export function embeddedShutdown(onError: (error: unknown) => void = () => undefined): Shutdown {
  return onShutdown([], { signals: [], exit: () => undefined, onError });
}
