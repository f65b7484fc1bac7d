import { runCommand } from '../../support/run-cli.js';

/** One signed delivery as the receiver saw it: the raw body and the headers. */
export interface SignedDelivery {
  payload: string;
  headers: Record<string, string>;
  secret: string;
}

const verifyScript = `
import json, sys, inkbox
cases = json.loads(sys.argv[1])
print(json.dumps([inkbox.verify_webhook(payload=case["payload"].encode("utf-8"), headers=case["headers"], secret=case["secret"]) for case in cases]))
`;

const payloadKeysScript = `
import json
from inkbox.webhooks import PhoneIncomingCallWebhookPayload
print(json.dumps(list(PhoneIncomingCallWebhookPayload.__annotations__)))
`;

/** The venv python with the official Inkbox SDK (test/compat/setup-python-sdk.sh); throws when it cannot be made. */
export async function inkboxPython(): Promise<string> {
  const setup = await runCommand('bash', ['test/compat/setup-python-sdk.sh']);
  if (setup.exitCode !== 0) throw new Error(`could not install the Inkbox Python SDK (exit ${setup.exitCode}):\n${setup.stderr}`);
  return setup.stdout.trim().split('\n').at(-1) as string;
}

async function runJson<T>(python: string, script: string, args: string[] = []): Promise<T> {
  const run = await runCommand(python, ['-c', script, ...args]);
  if (run.exitCode !== 0) throw new Error(`the Inkbox SDK script failed (exit ${run.exitCode}):\n${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

/** What `inkbox.verify_webhook(payload=, headers=, secret=)` answers for each delivery. */
export const verifyWithInkboxSdk = (python: string, deliveries: SignedDelivery[]) => runJson<boolean[]>(python, verifyScript, [JSON.stringify(deliveries)]);

/** The fields of the SDK's `PhoneIncomingCallWebhookPayload`. */
export const incomingCallPayloadFields = (python: string) => runJson<string[]>(python, payloadKeysScript);
