import type { RouteOptions } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Access } from '../src/server/http/auth.js';
import { type Client, createTestApp, createUserAndLogin, login, type TestApp } from './support/app.js';
import { dialects } from './support/databases.js';

/**
 * The routes anyone may call. A new public route fails this test until it is reviewed and
 * added here. `GET /*` is the admin screen's page and files (never an /api path).
 */
const PUBLIC_ROUTES = [
  'GET /healthz',
  'POST /api/session',
  // The shape of the API, the same for every installation (README: OpenAPI); no data.
  'GET /api/openapi.json',
  // The return from Google: its state is bound to the admin's session, checked inside.
  'GET /oauth/google/callback',
  // The screen's pages and files; every API answer they lead to is guarded on its own.
  'GET /*',
];

interface Route {
  method: string;
  url: string;
  access: Access;
}

const DUMMY_ID = '1';

/** The URL a client would call: path parameters and wildcards filled with a dummy value. */
const concreteUrl = (url: string) => url.replace(/:[^/]+/g, DUMMY_ID).replace(/\*/g, DUMMY_ID);

function collectRoute(routes: Route[], options: RouteOptions) {
  // Fastify adds a HEAD route for each GET; the guard of the GET covers it.
  const methods = [options.method].flat().filter((method) => method !== 'HEAD');
  // Like the guard itself: no declared access means administrators only.
  const access = options.config?.access ?? 'admin';
  for (const method of methods) routes.push({ method, url: options.url, access });
}

function call(t: TestApp, route: Route, client?: Client) {
  const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
  const url = concreteUrl(route.url);
  if (client) return client.request(route.method, url, body);
  return t.app.inject({ method: route.method as 'GET', url, payload: body });
}

describe.each(dialects())('route guards on $name', (dialect) => {
  let t: TestApp;
  let routes: Route[];
  let user: Client;

  beforeEach(async ({ skip }) => {
    if (dialect.skip) skip('no PostgreSQL');
    routes = [];
    t = await createTestApp(dialect, {
      onRoute: (options) => collectRoute(routes, options),
      extend: (app) => app.get('/api/test-only/unguarded', async () => ({ leaked: true })),
    });
    user = await createUserAndLogin(t.app, await login(t.app), { loginId: 'ippan' });
  });
  afterEach(async () => {
    await t?.close();
  });

  const byAccess = (access: Access) => routes.filter((route) => route.access === access && route.url.startsWith('/api/'));
  const name = (route: Route) => `${route.method} ${route.url}`;

  it('makes public only the reviewed routes', () => {
    expect(routes.filter((route) => route.access === 'public').map(name).sort()).toEqual([...PUBLIC_ROUTES].sort());
  });

  it('refuses every admin route to anonymous callers (401) and to a 一般ユーザー (403)', async () => {
    const adminRoutes = byAccess('admin');
    expect(adminRoutes.map(name)).toEqual(expect.arrayContaining(['GET /api/users', 'GET /api/health', 'GET /api/test-only/unguarded']));
    for (const route of adminRoutes) {
      const anonymous = await call(t, route);
      expect(anonymous.statusCode, `${name(route)} anonymously`).toBe(401);
      const asUser = await call(t, route, user);
      expect(asUser.statusCode, `${name(route)} as 一般ユーザー`).toBe(403);
      expect(asUser.json().error.code, name(route)).toBe('error.forbidden');
    }
  });

  it('refuses every user route to anonymous callers (401)', async () => {
    const userRoutes = byAccess('user');
    expect(userRoutes.map(name)).toEqual(expect.arrayContaining(['GET /api/me']));
    for (const route of userRoutes) {
      expect((await call(t, route)).statusCode, `${name(route)} anonymously`).toBe(401);
    }
  });

  it('refuses every service and run-report route without a bearer token (401), even to a signed-in user', async () => {
    expect(byAccess('service').map(name)).toEqual(expect.arrayContaining(['POST /api/mail/messages']));
    expect(byAccess('report').map(name)).toEqual(expect.arrayContaining(['POST /api/runs', 'POST /api/runs/:id/finish']));
    for (const route of [...byAccess('service'), ...byAccess('report')]) {
      expect((await call(t, route)).statusCode, `${name(route)} anonymously`).toBe(401);
      expect((await call(t, route, user)).statusCode, `${name(route)} with a session`).toBe(401);
    }
  });

  it('treats a route that declares no access as admin-only', async () => {
    const route = routes.find((r) => r.url === '/api/test-only/unguarded')!;
    expect((await call(t, route)).statusCode).toBe(401);
    expect((await call(t, route, user)).statusCode).toBe(403);
    const admin = await login(t.app);
    expect((await call(t, route, admin)).json()).toEqual({ leaked: true });
  });
});
