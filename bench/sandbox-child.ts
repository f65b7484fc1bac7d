import { startSandbox } from '../sandbox/server.js';

/**
 * The Telnyx sandbox in a process of its own, without a state file (its state stays in memory), so its
 * work never shares an event loop with the load driver or the in-process baseline.
 * Arguments: port, numberOffset.
 */
const [port = '0', numberOffset = '0'] = process.argv.slice(2);
const sandbox = await startSandbox({ port: Number(port), host: '127.0.0.1', numberOffset: Number(numberOffset) });
console.log(JSON.stringify({ ready: true, url: sandbox.url, baseURL: sandbox.baseURL }));
process.once('SIGTERM', () => void sandbox.stop().then(() => process.exit(0)));
