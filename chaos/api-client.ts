/** One answered (or unanswered) request of the load. */
export interface RequestRecord {
  endpoint: string;
  /** HTTP status, or null when no answer came (network error, timeout). */
  status: number | null;
  error: string | null;
  networkError: string | null;
  workflowId: string | null;
  /** The phone number a 201 or 202 named. */
  numberId: string | null;
  /** Epoch ms the request was sent. */
  at: number;
  ms: number;
}

export interface ApiAnswer {
  status: number | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** How long one request may take before it counts as unanswered (the API's own waits are far shorter). */
const requestTimeoutMs = 90_000;

/** A fetch wrapper that records every request of one API key. */
export function createApiClient(apiUrl: string, apiKey: string, records: RequestRecord[]) {
  return async function call(method: string, path: string, endpoint: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<ApiAnswer> {
    const started = Date.now();
    const headers: Record<string, string> = { 'x-api-key': apiKey, ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    try {
      const response = await fetch(`${apiUrl}${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
      const text = await response.text();
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = text;
      }
      const envelope = (body ?? {}) as { error?: unknown; workflow_id?: unknown; id?: unknown };
      records.push({
        endpoint,
        status: response.status,
        error: response.ok || typeof envelope.error !== 'string' ? null : envelope.error,
        networkError: null,
        workflowId: typeof envelope.workflow_id === 'string' ? envelope.workflow_id : null,
        numberId: (response.status === 201 || response.status === 202) && typeof envelope.id === 'string' ? envelope.id : null,
        at: started,
        ms: Date.now() - started,
      });
      return { status: response.status, body };
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause;
      const networkError = cause?.code ?? (error instanceof Error ? error.name : String(error));
      records.push({ endpoint, status: null, error: null, networkError, workflowId: null, numberId: null, at: started, ms: Date.now() - started });
      return { status: null, body: null };
    }
  };
}

export type ApiCall = ReturnType<typeof createApiClient>;
