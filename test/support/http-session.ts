/** A user signed in to a running `tayori serve` over real HTTP, as a browser is. */
export interface HttpSession {
  status: number;
  get(path: string): Promise<{ status: number; body: any }>;
  send(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
}

export async function signInOverHttp(baseUrl: string, loginId: string, password: string): Promise<HttpSession> {
  const response = await fetch(`${baseUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ loginId, password }),
  });
  const signedIn = response.status === 200 ? ((await response.json()) as { csrfToken: string }) : null;
  const cookie = response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const send = async (method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = { cookie, 'x-csrf-token': signedIn?.csrfToken ?? '' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const answer = await fetch(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await answer.text();
    return { status: answer.status, body: text ? JSON.parse(text) : null };
  };
  return { status: response.status, send, get: (path) => send('GET', path) };
}

/** Every page of a cursor-paged list (`{ <key>: [...], nextCursor }`) of a running server. */
export async function allPages<T>(session: HttpSession, path: string, key: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const { status, body } = await session.get(cursor ? `${path}${separator}cursor=${encodeURIComponent(cursor)}` : path);
    if (status !== 200) throw new Error(`GET ${path} answered ${status}`);
    items.push(...(body[key] as T[]));
    cursor = body.nextCursor;
  } while (cursor);
  return items;
}
