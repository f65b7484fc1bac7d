import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { describe, expect, test } from 'vitest';
import { chain } from '../../../api/middleware/chain.js';

const req = {} as Request;
const res = {} as Response;

/** Runs the chain and resolves what it handed on: `{ error }` (undefined when it went on without one). */
function run(handler: RequestHandler): Promise<{ error: unknown }> {
  return new Promise((resolve) => {
    const next = ((error?: unknown) => resolve({ error })) as NextFunction;
    void handler(req, res, next);
  });
}

describe('middleware chain', () => {
  test('when every handler calls next, then they run in order and the chain goes on without an error', async () => {
    const seen: string[] = [];
    const named = (name: string): RequestHandler => (_req, _res, next) => {
      seen.push(name);
      next();
    };
    const asyncNamed = (name: string): RequestHandler => async (_req, _res, next) => {
      await Promise.resolve();
      seen.push(name);
      next();
    };

    expect(await run(chain(named('a'), asyncNamed('b'), named('c')))).toEqual({ error: undefined });
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  test('when a handler passes an error, throws, or rejects, then the chain stops there and hands on that error', async () => {
    const boom = new Error('boom');
    const never: RequestHandler = () => {
      throw new Error('must not run');
    };
    const passes: RequestHandler = (_req, _res, next) => next(boom);
    const throws: RequestHandler = () => {
      throw boom;
    };
    const rejects: RequestHandler = async () => {
      await Promise.resolve();
      throw boom;
    };
    const rejectsEmpty: RequestHandler = () => Promise.reject(undefined as unknown as Error);

    for (const failing of [passes, throws, rejects]) expect(await run(chain(failing, never))).toEqual({ error: boom });
    const { error } = await run(chain(rejectsEmpty, never));
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('Rejected promise');
  });

  test("when a handler calls next('route') or next('router'), then the chain goes on or leaves as a router would", async () => {
    const seen: string[] = [];
    const route: RequestHandler = (_req, _res, next) => next('route');
    const router: RequestHandler = (_req, _res, next) => next('router');
    const mark: RequestHandler = (_req, _res, next) => {
      seen.push('after');
      next();
    };

    expect(await run(chain(route, mark))).toEqual({ error: undefined });
    expect(await run(chain(router, mark))).toEqual({ error: undefined });
    expect(seen).toEqual(['after']);
  });
});
