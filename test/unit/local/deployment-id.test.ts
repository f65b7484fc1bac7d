import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config/config.js';
import { ensureLocalDeploymentId } from '../../../local/deployment-id.js';
import { freshDataDirs } from '../../support/fresh-data-dirs.js';

const freshDataDir = freshDataDirs('deployment-id');

describe('ensureLocalDeploymentId', () => {
  it('when a data folder has none yet, then one is generated, kept in the folder and accepted as DEPLOYMENT_ID', () => {
    const dataDir = freshDataDir();

    const deploymentId = ensureLocalDeploymentId(dataDir);

    expect(deploymentId).toMatch(/^local-[0-9a-f]{12}$/);
    expect(readFileSync(join(dataDir, 'deployment-id'), 'utf8').trim()).toBe(deploymentId);
    expect(loadConfig({ DEPLOYMENT_ID: deploymentId }).DEPLOYMENT_ID).toBe(deploymentId);
  });

  it('when called again on the same folder (a restart), then it answers the same id; another folder gets another', () => {
    const dataDir = freshDataDir();
    const first = ensureLocalDeploymentId(dataDir);

    expect(ensureLocalDeploymentId(dataDir)).toBe(first);
    expect(ensureLocalDeploymentId(freshDataDir())).not.toBe(first);
  });
});
