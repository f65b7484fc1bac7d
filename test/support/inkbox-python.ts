import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from './run-cli.js';

/**
 * The official Inkbox Python SDK (`inkbox` 0.7.x, unmodified, in .tools/inkbox-venv) for the tests that
 * check this service against it: the scripts under test/compat drive it and print what it parsed.
 * When the venv cannot be made (no package index), the tests fail: they never skip.
 */

/** What a test/compat script printed (its shared form: test/compat/inkbox_sdk_report.py). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SdkReport = Record<string, any>;

/** One signed delivery as the receiver saw it: the raw body, the headers, and the key to check it with. */
export interface SignedDelivery {
  payload: string;
  headers: Record<string, string>;
  secret: string;
}

/** The venv python with the official Inkbox SDK (test/compat/setup-python-sdk.sh); throws when it cannot be made. */
export async function inkboxPython(): Promise<string> {
  const setup = await runCommand('bash', ['test/compat/setup-python-sdk.sh']);
  if (setup.exitCode !== 0) {
    throw new Error(`could not install the Inkbox Python SDK (test/compat/setup-python-sdk.sh exit ${setup.exitCode}):\n${setup.stderr}`);
  }
  return setup.stdout.trim().split('\n').at(-1) as string;
}

/** Runs a test/compat script and resolves the JSON it printed; throws, with how far it got, when it crashed. */
export async function runInkboxScript(python: string, script: string, args: string[]): Promise<SdkReport> {
  // No __pycache__ beside the scripts (they import test/compat/inkbox_sdk_report.py).
  const run = await runCommand(python, [`test/compat/${script}`, ...args], { PYTHONDONTWRITEBYTECODE: '1' });
  let report: SdkReport;
  try {
    report = JSON.parse(run.stdout) as SdkReport;
  } catch {
    throw new Error(`${script} printed no JSON (exit ${run.exitCode}):\n${run.stdout}\n${run.stderr}`);
  }
  if (run.exitCode !== 0 || report.crash) {
    throw new Error(`the SDK flow of ${script} crashed: ${report.crash}\n${report.traceback}\nso far: ${JSON.stringify(report, null, 1)}`);
  }
  return report;
}

/** What `inkbox.verify_webhook(payload=, headers=, secret=)` answers for each delivery (test/compat/verify_inkbox_webhook.py). */
export async function verifyWithInkboxSdk(python: string, deliveries: SignedDelivery[]): Promise<{ sdkVersion: string; verified: boolean[] }> {
  const file = join(mkdtempSync(join(tmpdir(), 'verify-webhook-')), 'deliveries.json');
  writeFileSync(file, JSON.stringify(deliveries));
  const report = await runInkboxScript(python, 'verify_inkbox_webhook.py', [file]);
  return { sdkVersion: report.sdk_version as string, verified: report.verified as boolean[] };
}

const payloadKeysScript = `
import json
from inkbox.webhooks import PhoneIncomingCallWebhookPayload
print(json.dumps(list(PhoneIncomingCallWebhookPayload.__annotations__)))
`;

/** The fields of the SDK's `PhoneIncomingCallWebhookPayload`. */
export async function incomingCallPayloadFields(python: string): Promise<string[]> {
  const run = await runCommand(python, ['-c', payloadKeysScript]);
  if (run.exitCode !== 0) throw new Error(`reading PhoneIncomingCallWebhookPayload failed (exit ${run.exitCode}):\n${run.stderr}`);
  return JSON.parse(run.stdout) as string[];
}
