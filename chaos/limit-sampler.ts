import { liveStatuses } from '../domain/phone-number.js';
import type { ChaosStack } from './stack.js';

/** Samples the most live rows any organization holds, every second while the load runs. */
export function startLimitSampler(stack: ChaosStack) {
  let max = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const rows = await stack.db
          .selectFrom('phone_numbers')
          .select(({ fn }) => fn.countAll<string>().as('n'))
          .where('status', 'in', [...liveStatuses])
          .groupBy('organization_id')
          .execute();
        max = Math.max(max, ...rows.map((row) => Number(row.n)));
      } catch {
        // The database's connections are killed on purpose now and then; the next sample reconnects.
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  })();
  return {
    async stop(): Promise<number> {
      stopped = true;
      await loop;
      return max;
    },
  };
}
