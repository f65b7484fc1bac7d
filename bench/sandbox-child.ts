import { startSandbox } from '../sandbox/server.js';

/**
 * The Telnyx sandbox in a process of its own, so its work never shares an event loop with the load driver
 * or the in-process baseline. Its state stays in memory unless a state file is given (the call scenario's,
 * which holds the signing keys the API knows). Arguments: port, numberOffset, [stateFile].
 */
const [port = '0', numberOffset = '0', stateFile] = process.argv.slice(2);
const sandbox = await startSandbox({ port: Number(port), host: '127.0.0.1', numberOffset: Number(numberOffset), ...(stateFile ? { stateFile } : {}) });
console.log(JSON.stringify({ ready: true, url: sandbox.url, baseURL: sandbox.baseURL }));
process.once('SIGTERM', () => void sandbox.stop().then(() => process.exit(0)));
