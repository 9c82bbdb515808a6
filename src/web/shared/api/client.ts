import type { z } from 'zod';
import type { ErrorBody, FieldProblemView } from '../../../contracts/errors';

/** A refused request, as the API explains it: a catalog code, a message in the user's language, field problems. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldProblemView[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

let csrfToken: string | null = null;
let onUnauthenticated: () => void = () => {};

/** The token of the signed-in session; every state-changing request carries it. */
export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

/** Called when the server no longer knows the session (expired, signed out elsewhere). */
export function whenUnauthenticated(listener: () => void) {
  onUnauthenticated = listener;
}

interface RequestOptions<S extends z.ZodType | undefined> {
  body?: unknown;
  /** Parses the answer, so a server that drifted from the contract fails loudly instead of showing wrong data. */
  schema?: S;
  query?: Record<string, string | number | undefined | null>;
}

type Answer<S> = S extends z.ZodType ? z.output<S> : undefined;

/** One JSON request to the Tayori API. Throws ApiError for any answer that is not 2xx. */
export async function apiRequest<S extends z.ZodType | undefined = undefined>(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  options: RequestOptions<S> = {},
): Promise<Answer<S>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (!SAFE_METHODS.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(withQuery(path, options.query), {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    credentials: 'same-origin',
  });
  if (!response.ok) throw await apiErrorOf(response, path);
  if (response.status === 204 || !options.schema) return undefined as Answer<S>;
  return options.schema.parse(await response.json()) as Answer<S>;
}

function withQuery(path: string, query: RequestOptions<undefined>['query']): string {
  const entries = Object.entries(query ?? {}).filter(([, value]) => value !== undefined && value !== null && value !== '');
  if (entries.length === 0) return path;
  return `${path}?${new URLSearchParams(entries.map(([key, value]) => [key, String(value)]))}`;
}

async function apiErrorOf(response: Response, path: string): Promise<ApiError> {
  const body = (await response.json().catch(() => null)) as Partial<ErrorBody> | null;
  // A refused sign-in is not a lost session: the login form shows its own message.
  if (response.status === 401 && path !== '/api/session') onUnauthenticated();
  return new ApiError(
    response.status,
    body?.error?.code ?? `http.${response.status}`,
    body?.error?.message ?? `HTTP ${response.status}`,
    body?.error?.fields ?? [],
  );
}
