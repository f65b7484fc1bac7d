import type { Shutdown } from '../lifecycle/on-shutdown.js';

/**
 * Runs `build`; when it throws, closes what was built so far through `shutdown`, then rethrows. For
 * stacks inside a larger program (tests, tools), where no process exit cleans up after a failed start.
 */
export async function closingOnFailure<T>(shutdown: Shutdown, build: () => Promise<T>): Promise<T> {
  try {
    return await build();
  } catch (error) {
    await shutdown.shutdown(1);
    throw error;
  }
}
