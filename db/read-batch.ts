/**
 * Loads the values of many keys at once; a key missing from the answer has no value.
 */
export type BatchLoad<Key, Value> = (keys: Key[]) => Promise<Map<Key, Value>>;

interface Waiting<Value> {
  promise: Promise<Value | undefined>;
  resolve: (value: Value | undefined) => void;
  reject: (reason: unknown) => void;
}

/**
 * Reads asked for within one turn of the event loop go to `load` together: the first key asked for
 * schedules the load for the turn's check phase (`setImmediate`, after every socket that was ready in
 * this turn has been read), and every key asked for until then joins it, once however often it was
 * asked. Each caller gets its own key's value. Under concurrent requests this turns one database round
 * trip per request into one per turn; a lone request waits for no other (its turn ends at once).
 *
 * Every read in a batch is sent after all of its callers asked, so each caller sees a state at least as
 * new as when it asked: no caller is answered from a read that started before it.
 */
export function batchReads<Key, Value>(load: BatchLoad<Key, Value>): (key: Key) => Promise<Value | undefined> {
  let pending: Map<Key, Waiting<Value>> | undefined;
  const flush = (batch: Map<Key, Waiting<Value>>) => {
    load([...batch.keys()]).then(
      (values) => {
        for (const [key, waiting] of batch) waiting.resolve(values.get(key));
      },
      (error: unknown) => {
        for (const waiting of batch.values()) waiting.reject(error);
      },
    );
  };
  return (key) => {
    if (pending === undefined) {
      const batch = new Map<Key, Waiting<Value>>();
      pending = batch;
      setImmediate(() => {
        pending = undefined;
        flush(batch);
      });
    }
    const joined = pending.get(key);
    if (joined) return joined.promise;
    let resolve!: Waiting<Value>['resolve'];
    let reject!: Waiting<Value>['reject'];
    const promise = new Promise<Value | undefined>((resolved, rejected) => {
      resolve = resolved;
      reject = rejected;
    });
    pending.set(key, { promise, resolve, reject });
    return promise;
  };
}
