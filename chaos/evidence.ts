import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { fetchHistory } from '../temporal/history-source.js';
import type { InvariantResult } from './invariants.js';

const workflowIdPattern = /\b(?:provision|release)\/[0-9a-f-]+(?:\/[0-9a-f-]+)?/g;

/**
 * Saves the histories of the workflows a failed invariant names into `dir/histories` (replayable with
 * `npm run replay -- --file FILE`), before the run's dev server goes away. Resolves the files written.
 */
export async function saveEvidence(invariants: InvariantResult[], temporalAddress: string, dir: string): Promise<string[]> {
  const ids = new Set(invariants.filter((each) => !each.pass).flatMap((each) => each.details.flatMap((detail) => detail.match(workflowIdPattern) ?? [])));
  const saved: string[] = [];
  await mkdir(join(dir, 'histories'), { recursive: true });
  for (const workflowId of [...ids].slice(0, 10)) {
    try {
      const history = await fetchHistory({ connection: { address: temporalAddress }, namespace: 'default' }, workflowId);
      const file = join(dir, 'histories', `${workflowId.replaceAll('/', '_')}.json`);
      await writeFile(file, historyToJSON(history));
      saved.push(file);
    } catch {
      // A workflow named by the carrier's side only (a reference it never ran under) has no history.
    }
  }
  return saved;
}
