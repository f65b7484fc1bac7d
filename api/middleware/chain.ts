import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * One request handler that runs `handlers` in order, each `next()` starting the following one and the
 * last one's `next()` leaving the chain; an error (passed to `next`, thrown, or a rejected promise)
 * leaves it at once, as express 5 treats each of them. It does what `express.Router().use(...handlers)`
 * does for middleware mounted on every path, without the nested router's per-layer path matching and
 * the event-loop turn (`setImmediate`) a router takes to hand a request on once its layers are done.
 */
export function chain(...handlers: RequestHandler[]): RequestHandler {
  if (handlers.length === 1) return handlers[0]!;
  return (req: Request, res: Response, next: NextFunction) => {
    let index = 0;
    const step = (error?: unknown): void => {
      // As in a router: 'route' goes on to the next handler, 'router' leaves the chain, any other truthy value is an error.
      if (error === 'router') {
        next();
        return;
      }
      if (error && error !== 'route') {
        next(error);
        return;
      }
      const handler = handlers[index++];
      if (handler === undefined) {
        next();
        return;
      }
      try {
        const returned: unknown = handler(req, res, step);
        if (returned instanceof Promise) {
          returned.then(undefined, (reason: unknown) => next(reason ?? new Error('Rejected promise')));
        }
      } catch (thrown) {
        next(thrown);
      }
    };
    step();
  };
}
