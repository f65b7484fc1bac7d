import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * This data folder's DEPLOYMENT_ID: generated (`local-<random>`) on the first `npm start` and kept in
 * the folder, so restarts tag and reconcile the same numbers, and two folders on one Telnyx account
 * (two checkouts, or one emptied) never take each other's numbers for orphans.
 */
export function ensureLocalDeploymentId(dataDir: string): string {
  const file = join(dataDir, 'deployment-id');
  if (existsSync(file)) {
    const saved = readFileSync(file, 'utf8').trim();
    if (saved) return saved;
  }
  const deploymentId = `local-${randomBytes(6).toString('hex')}`;
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${deploymentId}\n`);
  return deploymentId;
}
