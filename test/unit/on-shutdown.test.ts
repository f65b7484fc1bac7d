import { spawn } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { onShutdown } from '../../lifecycle/on-shutdown.js';

async function runChild(args: string[]): Promise<{ stdout: string; code: number | null }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/shutdown-child.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  const ready = new Promise<void>((resolve) =>
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('ready')) resolve();
    }),
  );
  await ready;
  child.kill('SIGTERM');
  const [code] = (await once(child, 'exit')) as [number | null];
  return { stdout, code };
}

describe('onShutdown', () => {
  it('when the process gets SIGTERM, then the closers run once in reverse order and it exits 0', async () => {
    const { stdout, code } = await runChild([]);

    expect(stdout.trim().split('\n')).toEqual(['ready', 'closed third', 'closed second', 'closed first']);
    expect(code).toBe(0);
  });

  it('when a closer throws, then the others still run and the exit code is 1', async () => {
    const { stdout, code } = await runChild(['--failing-closer']);

    expect(stdout.trim().split('\n')).toEqual(['ready', 'closed third', 'closed first']);
    expect(code).toBe(1);
  });

  it('when the signal arrives twice, then the closers run once and the second signal exits at once with 1', async () => {
    const emitter = new EventEmitter();
    const exits: number[] = [];
    let calls = 0;
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    onShutdown([() => void calls++, () => blocked], { emitter, exit: (code) => void exits.push(code) });

    emitter.emit('SIGTERM');
    emitter.emit('SIGINT');
    release();
    await new Promise((resolve) => setImmediate(resolve));

    expect(exits).toEqual([1, 0]);
    expect(calls).toBe(1);
    expect(emitter.listenerCount('SIGTERM')).toBe(0);
  });

  it('when shutdown() is called directly, then it closes with the given exit code', async () => {
    const emitter = new EventEmitter();
    const exits: number[] = [];
    const shutdown = onShutdown([], { emitter, exit: (code) => void exits.push(code) });

    await shutdown.shutdown(3);

    expect(exits).toEqual([3]);
  });
});
