/** Releases one resource (stop the server, shut the worker down and await its run, close a pool). */
export type Closer = () => unknown;

export interface ShutdownOptions {
  signals?: readonly NodeJS.Signals[];
  /** Where signals come from; the process unless a test passes its own emitter. */
  emitter?: Pick<NodeJS.EventEmitter, 'on' | 'off'>;
  exit?: (code: number) => void;
  onError?: (error: unknown) => void;
}

export interface Shutdown {
  /** Registers a closer; closers run in reverse order of registration. */
  add(closer: Closer): void;
  /** Runs every closer once (also what a signal does), then exits: 0 when all closed cleanly, else 1. */
  shutdown(exitCode?: number): Promise<void>;
}

/**
 * On SIGINT/SIGTERM, runs the closers once in reverse order, then exits. A closer that throws is
 * reported and the others still run. A second signal while closing exits at once with code 1.
 */
export function onShutdown(closers: Closer[] = [], options: ShutdownOptions = {}): Shutdown {
  const { signals = ['SIGINT', 'SIGTERM'], emitter = process, exit = (code) => process.exit(code) } = options;
  const onError = options.onError ?? ((error: unknown) => console.error('error while shutting down:', error));
  const registered = [...closers];
  let closing: Promise<void> | undefined;

  const onSignal = () => (closing ? exit(1) : void shutdown());

  async function runClosers(exitCode: number): Promise<void> {
    let code = exitCode;
    for (const closer of [...registered].reverse()) {
      try {
        await closer();
      } catch (error) {
        onError(error);
        code = code || 1;
      }
    }
    for (const signal of signals) emitter.off(signal, onSignal);
    exit(code);
  }

  function shutdown(exitCode = 0): Promise<void> {
    closing ??= runClosers(exitCode);
    return closing;
  }

  for (const signal of signals) emitter.on(signal, onSignal);
  return { add: (closer) => void registered.push(closer), shutdown };
}
