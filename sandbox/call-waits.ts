/** One waiting request: `check` resolves it if its state holds, `release` resolves it regardless. */
interface Waiter {
  check(): void;
  release(): void;
}

/**
 * Requests of the control API waiting for a call to reach a state (`GET /_sandbox/calls/{id}?wait_for=…`):
 * each waits until its check holds after one of the call's moves, or its timeout passes, or `clear`.
 */
export function createCallWaits() {
  const waiting = new Map<string, Set<Waiter>>();
  return {
    /** Resolves once `holds()` is true (at once if it already is), after `timeoutMs`, or at `clear`; never rejects. */
    until(callControlId: string, holds: () => boolean, timeoutMs: number): Promise<void> {
      if (holds()) return Promise.resolve();
      return new Promise((resolve) => {
        const waiters = waiting.get(callControlId) ?? new Set<Waiter>();
        waiting.set(callControlId, waiters);
        const waiter: Waiter = {
          release() {
            clearTimeout(timer);
            waiters.delete(waiter);
            if (waiters.size === 0 && waiting.get(callControlId) === waiters) waiting.delete(callControlId);
            resolve();
          },
          check() {
            if (holds()) waiter.release();
          },
        };
        const timer = setTimeout(() => waiter.release(), timeoutMs);
        waiters.add(waiter);
      });
    },
    /** The call moved: its waiters look again. */
    changed(callControlId: string): void {
      for (const waiter of [...(waiting.get(callControlId) ?? [])]) waiter.check();
    },
    /** Releases every waiter (reset and stop). */
    clear(): void {
      const all = [...waiting.values()].flatMap((waiters) => [...waiters]);
      for (const waiter of all) waiter.release();
    },
  };
}
