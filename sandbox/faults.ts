import { randomUUID } from 'node:crypto';

/** What a matching request gets instead of (or on top of) the normal answer. */
export type FaultAction =
  | { type: 'error'; status: number; code?: string; headers?: Record<string, string> }
  | { type: 'delay'; ms: number }
  | { type: 'hang' }
  | { type: 'commit_then_error'; status?: number; code?: string }
  | { type: 'taken' };

export interface Fault {
  id: string;
  method: string | null;
  /** Exact path, or a prefix when it ends in `*`. */
  path: string;
  action: FaultAction;
  /** Remaining hits; null = until cleared. */
  times: number | null;
  probability: number;
}

export class FaultInputError extends Error {}

function parseAction(raw: unknown): FaultAction {
  const action = raw as Record<string, unknown> | null;
  switch (action?.type) {
    case 'error':
      if (typeof action.status !== 'number' || action.status < 400 || action.status > 599) {
        throw new FaultInputError('error.status must be a number 400-599');
      }
      return action as FaultAction;
    case 'delay':
      if (typeof action.ms !== 'number' || action.ms < 0) throw new FaultInputError('delay.ms must be a number >= 0');
      return action as FaultAction;
    case 'hang':
    case 'commit_then_error':
    case 'taken':
      return action as FaultAction;
    default:
      throw new FaultInputError('action.type must be error, delay, hang, commit_then_error or taken');
  }
}

/** Validates a `POST /_sandbox/faults` body into a fault. */
export function parseFault(body: Record<string, unknown>): Fault {
  if (typeof body.path !== 'string' || !body.path.startsWith('/')) throw new FaultInputError('path must start with /');
  if (body.method !== undefined && typeof body.method !== 'string') throw new FaultInputError('method must be a string');
  const times = body.times === undefined ? 1 : body.times;
  if (times !== null && (typeof times !== 'number' || !Number.isInteger(times) || times < 1)) {
    throw new FaultInputError('times must be a positive integer or null');
  }
  const probability = body.probability ?? 1;
  if (typeof probability !== 'number' || probability < 0 || probability > 1) throw new FaultInputError('probability must be 0..1');
  return {
    id: randomUUID(),
    method: typeof body.method === 'string' ? body.method.toUpperCase() : null,
    path: body.path,
    action: parseAction(body.action),
    times,
    probability,
  };
}

function pathMatches(pattern: string, path: string): boolean {
  return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : pattern === path;
}

/** The first fault that fires for this request, consuming one of its `times`. */
export function takeFault(faults: Fault[], method: string, path: string, random = Math.random): Fault | null {
  for (const fault of faults) {
    if (fault.method !== null && fault.method !== method) continue;
    if (!pathMatches(fault.path, path)) continue;
    if (fault.times !== null && fault.times < 1) continue;
    if (random() >= fault.probability) continue;
    if (fault.times !== null) fault.times -= 1;
    return fault;
  }
  return null;
}
