import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runReadLoad } from '../load.js';
import { seedSlots } from '../seed.js';
import type { BenchSettings } from '../settings.js';
import type { BenchStack } from '../stack.js';
import { ratio, type RunStats } from '../stats.js';

export interface ReadRow {
  endpoint: 'GET /numbers' | 'GET /numbers/{id}';
  connections: number;
  service: RunStats;
  bare: RunStats;
  /** service req/s / bare req/s (the target: at least 0.5). */
  throughputRatio: number | null;
  p99Ratio: number | null;
}

/** Numbers an organization in the read scenario holds: GET /numbers lists all of them. */
const listedNumbers = 5;

/**
 * One organization with a few numbers provisioned through the API; then GET /numbers and
 * GET /numbers/{id} against the API and against a bare express app answering the same bodies.
 */
export async function runReadPath(stack: BenchStack, settings: BenchSettings): Promise<ReadRow[]> {
  // Provisioning runs sell from offsets 100 000, 200 000, ...; this range is free.
  await stack.restartSandbox(50_000, 0);
  const slots = await seedSlots(stack.db, listedNumbers, 1, 'read');
  const slot = slots[0]!;
  for (const each of slots) {
    const response = await fetch(`${stack.apiUrl}/numbers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': each.apiKey },
      body: JSON.stringify({ agent_handle: each.agentHandle, type: 'local', state: each.state }),
    });
    if (response.status !== 201) throw new Error(`read setup: POST /numbers answered ${response.status}`);
  }
  const headers = { 'x-api-key': slot.apiKey };
  const list = (await (await fetch(`${stack.apiUrl}/numbers`, { headers })).json()) as { id: string }[];
  const id = list[0]!.id;
  const one = await (await fetch(`${stack.apiUrl}/numbers/${id}`, { headers })).json();
  const bodiesFile = join(stack.logDir, 'read-bodies.json');
  writeFileSync(bodiesFile, JSON.stringify({ list, one }));

  const bare = stack.spawn('bare-express', 'bench/bare-server.ts', [bodiesFile]);
  try {
    const bareUrl = (JSON.parse(await bare.waitForLine(/"ready":true/)) as { url: string }).url;
    const load = (url: string, withKey: boolean, durationSeconds = settings.readSeconds) =>
      runReadLoad({ url, headers: withKey ? headers : {}, connections: settings.readConnections, durationSeconds });
    const endpoints = [['GET /numbers', '/numbers'], ['GET /numbers/{id}', `/numbers/${id}`]] as const;
    // Both endpoints warm up before either is measured: the first one measured otherwise absorbs the
    // machine settling after the provisioning runs (its req/s still climbing 64 → 339 within its window).
    for (const [, path] of endpoints) await load(`${stack.apiUrl}${path}`, true, 2);
    const rows: ReadRow[] = [];
    for (const [endpoint, path] of endpoints) {
      const service = await load(`${stack.apiUrl}${path}`, true);
      const bareStats = await load(`${bareUrl}${path}`, false);
      rows.push({
        endpoint,
        connections: settings.readConnections,
        service,
        bare: bareStats,
        throughputRatio: ratio(service.perSecond, bareStats.perSecond),
        p99Ratio: ratio(service.p99Ms, bareStats.p99Ms),
      });
    }
    return rows;
  } finally {
    await bare.stop();
  }
}
