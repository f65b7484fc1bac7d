import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { historiesDir, workflowBundle } from '../../support/workflow-harness.js';

/** Recorded by the current code at the top; older code's recordings, kept to replay the branches `patched()` keeps, in subfolders. */
const files = readdirSync(historiesDir, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.json'))
  .sort();

/** Histories recorded with RECORD_HISTORIES=1 from the workflow tests; a code change that breaks determinism fails here. */
describe('recorded workflow histories', () => {
  it('when the committed histories are present, then every scenario the tests record is among them', () => {
    expect(files).toEqual(
      expect.arrayContaining(['provision-toll-free.json', 'before-local-row-writes/provision-toll-free.json', 'before-completed-order-skips-awaiting/provision-toll-free.json', 'provision-cancelled-mid-order.json', 'release-provisioning.json', 'provision-database-outage.json',
        'provision-release-refused-handed-to-watcher.json', 'watcher-release-refused-then-confirmed.json', 'release-refused-then-confirmed.json',
        'watcher-continued-as-new.json', 'release-wait-continued-as-new.json',
        'incoming-call-auto-accept.json', 'incoming-call-hangup-requested.json', 'incoming-call-webhook-ignore.json']),
    );
  });

  it.each(files)('when %s is replayed against the current workflow code, then it replays without nondeterminism', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(join(historiesDir, file), 'utf8')));

    const results = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, [{ workflowId: file, history }])) {
      results.push(result);
    }

    expect(results).toHaveLength(1);
    expect(results[0]?.error).toBeUndefined();
  });
});
