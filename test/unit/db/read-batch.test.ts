import { describe, expect, test } from 'vitest';
import { batchReads } from '../../../db/read-batch.js';

/** A load that records each batch of keys and answers every key but 'missing' with its upper case. */
function recordingLoad() {
  const batches: string[][] = [];
  const load = async (keys: string[]) => {
    batches.push(keys);
    return new Map(keys.filter((key) => key !== 'missing').map((key) => [key, key.toUpperCase()]));
  };
  return { batches, load };
}

describe('batched reads', () => {
  test('when keys are asked for in one turn, then one load gets each key once and every caller its own value', async () => {
    const { batches, load } = recordingLoad();
    const read = batchReads(load);

    const answers = await Promise.all([read('a'), read('b'), read('a'), read('missing')]);

    expect(answers).toEqual(['A', 'B', 'A', undefined]);
    expect(batches).toEqual([['a', 'b', 'missing']]);
  });

  test('when a key is asked for after a batch was sent, then it goes in a new load, not the one in flight', async () => {
    const { batches, load } = recordingLoad();
    const read = batchReads(load);

    const first = read('a');
    await new Promise((resolve) => setImmediate(resolve));
    const second = read('a');

    expect(await Promise.all([first, second])).toEqual(['A', 'A']);
    expect(batches).toEqual([['a'], ['a']]);
  });

  test('when a load fails, then every caller of that batch gets its error and the next batch loads again', async () => {
    let fail = true;
    const read = batchReads(async (keys: string[]) => {
      if (fail) throw new Error('database gone');
      return new Map(keys.map((key) => [key, key]));
    });

    const results = await Promise.allSettled([read('a'), read('b')]);
    fail = false;

    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(await read('a')).toBe('a');
  });
});
