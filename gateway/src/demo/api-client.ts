/**
 * A small HTTP client for a running gateway, used by the CLI and by the tests that drive the API
 * over a real socket. A problem+json answer becomes a LicenceError carrying the problem's code, so
 * callers branch on codes exactly as they would in-process.
 */
import { LicenceError, isErrorCode } from '@licence-ledger/domain';

/** The problem+json body the gateway answers errors with. */
export interface Problem {
  readonly type?: string;
  readonly title?: string;
  readonly status?: number;
  readonly code?: string;
  readonly detail?: string;
  readonly instance?: string;
  readonly errors?: readonly { readonly path: string; readonly message: string }[];
}

/** Options for one call. */
export interface CallOptions {
  readonly body?: unknown;
  readonly idempotencyKey?: string;
  /** Milliseconds before the call is abandoned (default 30 s). */
  readonly timeoutMs?: number;
}

/** A gateway API client bound to a base URL and a bearer token. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  /** The same client with another bearer token. */
  withToken(token: string): ApiClient {
    return new ApiClient(this.baseUrl, token);
  }

  /** GET `path` (relative to /api/v1 unless it starts with '/.' or '/healthz'…), parsed JSON. */
  get<T>(path: string, opts: CallOptions = {}): Promise<T> {
    return this.call<T>('GET', path, opts);
  }

  /** POST `body` to `path`, parsed JSON. */
  post<T>(path: string, body: unknown, opts: Omit<CallOptions, 'body'> = {}): Promise<T> {
    return this.call<T>('POST', path, { ...opts, body });
  }

  /** DELETE `path`. */
  delete<T>(path: string, opts: CallOptions = {}): Promise<T> {
    return this.call<T>('DELETE', path, opts);
  }

  /** Sends one request; throws LicenceError for a problem answer, LEDGER_UNAVAILABLE-free transport errors as INTERNAL. */
  async call<T>(method: string, path: string, opts: CallOptions = {}): Promise<T> {
    const url = new URL(
      path.startsWith('/api/') || path.startsWith('/.') || /^\/(healthz|readyz)/.test(path)
        ? path
        : `/api/v1${path}`,
      this.baseUrl,
    );
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    if (opts.idempotencyKey !== undefined) headers['idempotency-key'] = opts.idempotencyKey;
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new LicenceError('LEDGER_UNAVAILABLE', `cannot reach the gateway at ${this.baseUrl}`, {
        reason: error instanceof Error ? error.name : 'fetch',
      });
    }
    const text = await response.text();
    let parsed: unknown = undefined;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    if (!response.ok) throw problemToError(response.status, parsed);
    return parsed as T;
  }
}

/** Turns a problem+json answer into a LicenceError (INTERNAL when the body is not a problem). */
export function problemToError(status: number, body: unknown): LicenceError {
  const problem = (typeof body === 'object' && body !== null ? body : {}) as Problem;
  const code = isErrorCode(problem.code) ? problem.code : 'INTERNAL';
  const list: unknown = problem.errors;
  const errors = Array.isArray(list)
    ? (list as readonly { path?: unknown; message?: unknown }[]).map(
        (e) => `${String(e.path)}: ${String(e.message)}`,
      )
    : undefined;
  return new LicenceError(code, problem.detail ?? problem.title ?? `HTTP ${status}`, {
    status,
    ...(errors === undefined ? {} : { errors }),
  });
}
