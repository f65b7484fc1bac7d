import type { ChaosStack } from './stack.js';

export interface Quiescence {
  quiet: boolean;
  waitedMs: number;
  running: number | null;
  provisioningRows: number | null;
}

/** Waits (bounded) until no workflow runs and no row is provisioning, seen twice in a row. */
export async function waitForQuiescence(stack: ChaosStack, timeoutMs: number): Promise<Quiescence> {
  const started = Date.now();
  let quietPolls = 0;
  let last: Omit<Quiescence, 'quiet' | 'waitedMs'> = { running: null, provisioningRows: null };
  while (Date.now() - started < timeoutMs) {
    try {
      const { count } = await stack.temporal.workflow.count(`TaskQueue="${stack.taskQueue}" AND ExecutionStatus="Running"`);
      const rows = await stack.db.selectFrom('phone_numbers').select(({ fn }) => fn.countAll<string>().as('n')).where('status', '=', 'provisioning').executeTakeFirstOrThrow();
      last = { running: count, provisioningRows: Number(rows.n) };
      quietPolls = count === 0 && Number(rows.n) === 0 ? quietPolls + 1 : 0;
      if (quietPolls >= 2) return { quiet: true, waitedMs: Date.now() - started, ...last };
    } catch {
      quietPolls = 0;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return { quiet: false, waitedMs: Date.now() - started, ...last };
}
