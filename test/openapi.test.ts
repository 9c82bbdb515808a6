import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { LightMyRequestResponse, RouteOptions } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Access } from '../src/server/http/auth.js';
import { OPERATIONS, REQUEST_SCHEMAS, RESPONSE_SCHEMAS } from '../src/server/openapi/operations.js';
import { type Client, createTestApp, login, type TestApp } from './support/app.js';
import { dialects } from './support/databases.js';
import { smtpSettingsForm } from './support/mail-settings.js';

interface Route {
  method: string;
  url: string;
  access: Access;
}

interface OperationObject {
  operationId?: string;
  'x-access': Access;
  security: Security;
  responses: Record<string, { content?: Record<string, unknown> }>;
}

type OpenApi = { openapi: string; paths: Record<string, Record<string, OperationObject>> } & Record<string, unknown>;

function collectRoute(routes: Route[], options: RouteOptions) {
  const methods = [options.method].flat().filter((method) => method !== 'HEAD');
  for (const method of methods) routes.push({ method, url: options.url, access: options.config?.access ?? 'admin' });
}

type Security = Record<string, string[]>[];

/** Written out here rather than taken from the generator, so a wrong mapping there fails. */
const EXPECTED_SECURITY: Record<Access, (method: string) => Security> = {
  public: () => [],
  service: () => [{ serviceToken: [] }],
  report: () => [{ reportToken: [] }],
  user: (method) => (method === 'GET' ? [{ session: [] }] : [{ session: [], csrf: [] }]),
  admin: (method) => (method === 'GET' ? [{ session: ['admin'] }] : [{ session: ['admin'], csrf: [] }]),
};

const pathOf = (url: string) => url.replace(/:(\w+)/g, '{$1}').replace(/\*$/, '{path}');
const operationOf = (document: OpenApi, route: Route) => document.paths[pathOf(route.url)]?.[route.method.toLowerCase()];
const name = (route: Route) => `${route.method} ${route.url}`;

/** Every `$ref` of the document, as JSON pointers into it. */
function refsOf(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(refsOf);
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) => (key === '$ref' && typeof value === 'string' ? [value] : refsOf(value)));
}

function resolvePointer(document: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), document);
}

/** Checks answers against the document: their status is one it lists for the route, their body its schema for that status. */
function answerChecker(document: OpenApi) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  ajv.addSchema(document, 'openapi.json');
  const segment = (part: string) => encodeURIComponent(part.replace(/~/g, '~0').replace(/\//g, '~1'));

  return function expectDocumented(route: Route, response: LightMyRequestResponse) {
    const status = String(response.statusCode);
    const documented = operationOf(document, route)?.responses[status];
    expect(documented, `${name(route)} answered ${status}: ${response.body.slice(0, 200)}`).toBeDefined();
    if (!documented?.content?.['application/json']) return;
    expect(response.headers['content-type'], name(route)).toMatch(/^application\/json/);
    const pointer = ['paths', pathOf(route.url), route.method.toLowerCase(), 'responses', status, 'content', 'application/json', 'schema'];
    const validate = ajv.compile({ $ref: `openapi.json#/${pointer.map(segment).join('/')}` });
    expect(validate(response.json()) ? [] : validate.errors, `${name(route)} ${status}`).toEqual([]);
  };
}

describe.each(dialects())('OpenAPI document on $name', (dialect) => {
  let t: TestApp;
  let routes: Route[];
  let document: OpenApi;
  let admin: Client;
  let expectDocumented: ReturnType<typeof answerChecker>;

  beforeEach(async ({ skip }) => {
    if (dialect.skip) skip('no PostgreSQL');
    routes = [];
    t = await createTestApp(dialect, { onRoute: (options) => collectRoute(routes, options) });
    const served = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(served.statusCode).toBe(200);
    document = served.json();
    expectDocumented = answerChecker(document);
    admin = await login(t.app);
  });
  afterEach(async () => {
    await t?.close();
  });

  const route = (key: string): Route => {
    const found = routes.find((r) => name(r) === key);
    if (!found) throw new Error(`no route ${key}`);
    return found;
  };

  it('is served to anyone as a valid OpenAPI 3.1 document whose every $ref resolves', async () => {
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(validator.version).toBe('3.1');

    const refs = refsOf(document);
    expect(refs.length).toBeGreaterThan(50);
    expect(refs.filter((ref) => resolvePointer(document, ref) === undefined)).toEqual([]);

    const operationIds = Object.values(document.paths).flatMap((item) => Object.values(item).map((operation) => operation.operationId));
    expect(new Set(operationIds).size).toBe(operationIds.length);
    // A name in both lists would be overwritten by the other in components.schemas.
    expect(Object.keys(REQUEST_SCHEMAS).filter((key) => key in RESPONSE_SCHEMAS)).toEqual([]);
  });

  it('describes every registered route with who may call it, and no route that does not exist', () => {
    expect(routes.length).toBeGreaterThan(40);
    for (const registered of routes) {
      const operation = operationOf(document, registered);
      expect(operation?.operationId, `${name(registered)} is described in src/server/openapi/operations.ts`).toBeDefined();
      expect(operation?.['x-access'], name(registered)).toBe(registered.access);
      expect(operation?.security, name(registered)).toEqual(EXPECTED_SECURITY[registered.access](registered.method));
    }
    const documented = Object.values(document.paths).flatMap((item) => Object.keys(item));
    expect(documented).toHaveLength(routes.length);
    expect(Object.keys(OPERATIONS).filter((key) => !routes.some((r) => name(r) === key))).toEqual([]);

    expect(operationOf(document, route('POST /api/mail/messages'))?.security).toEqual([{ serviceToken: [] }]);
    expect(operationOf(document, route('POST /api/runs/:id/finish'))?.security).toEqual([{ reportToken: [] }]);
    expect(operationOf(document, route('PUT /api/settings/mail'))?.security).toEqual([{ session: ['admin'], csrf: [] }]);
    expect(operationOf(document, route('GET /api/me'))?.security).toEqual([{ session: [] }]);
    expect(operationOf(document, route('GET /api/openapi.json'))?.security).toEqual([]);
  });

  it('documents the error shape and the refusals of a route', () => {
    expect(resolvePointer(document, '#/components/schemas/Error')).toMatchObject({
      properties: { error: { required: ['code', 'message'], properties: { fields: { type: 'array' } } } },
    });
    const saveSettings = operationOf(document, route('PUT /api/settings/mail'))!;
    expect(Object.keys(saveSettings.responses).sort()).toEqual(['200', '401', '403', '409', '422', 'default']);
  });

  it('answers a settings view, a delivery log page, health and a 422 exactly as documented', async () => {
    const saved = await admin.request('PUT', '/api/settings/mail', smtpSettingsForm(2525, { smtp: { authEnabled: true, username: 'mailer', password: 'smtp-secret' } }));
    expectDocumented(route('PUT /api/settings/mail'), saved);
    const settings = await admin.request('GET', '/api/settings/mail');
    expect(settings.json().settings.smtp.passwordSet).toBe(true);
    expectDocumented(route('GET /api/settings/mail'), settings);

    const created = await admin.request('POST', '/api/mail/tokens', { name: '販売管理' });
    expectDocumented(route('POST /api/mail/tokens'), created);
    const submitted = await t.app.inject({
      method: 'POST',
      url: '/api/mail/messages',
      headers: { authorization: `Bearer ${created.json().token.token}` },
      payload: { to: [{ name: '山田 太郎 様', address: 'yamada@example.jp' }], cc: 'a@example.jp', subject: 'ご注文', text: '本文' },
    });
    expect(submitted.statusCode).toBe(202);
    expectDocumented(route('POST /api/mail/messages'), submitted);
    const deliveries = await admin.request('GET', '/api/mail/deliveries?limit=1');
    expect(deliveries.json().deliveries).toHaveLength(1);
    expectDocumented(route('GET /api/mail/deliveries'), deliveries);

    expectDocumented(route('GET /api/health'), await admin.request('GET', '/api/health'));
    expectDocumented(route('GET /healthz'), await t.app.inject({ method: 'GET', url: '/healthz' }));

    const refused = await admin.request('PUT', '/api/settings/mail', smtpSettingsForm(70000));
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.fields).toEqual([expect.objectContaining({ path: 'smtp.port' })]);
    expectDocumented(route('PUT /api/settings/mail'), refused);
  });

  it('would notice an answer that leaks a field or drops one', async () => {
    const settings = (await admin.request('GET', '/api/settings/mail')).json();
    const answering = (body: unknown) =>
      ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), json: () => body }) as unknown as LightMyRequestResponse;
    const leaking = { ...settings, settings: { ...settings.settings, smtp: { ...settings.settings.smtp, password: 'smtp-secret' } } };
    const { version: _version, ...dropping } = settings;
    for (const body of [leaking, dropping]) {
      expect(() => expectDocumented(route('GET /api/settings/mail'), answering(body))).toThrow();
    }
  });

  it('gives only documented answers on every route, each matching its schema', async () => {
    const serviceToken = (await admin.request('POST', '/api/mail/tokens', { name: 'app' })).json().token.token;
    const reportToken = (await admin.request('POST', '/api/report-tokens', { name: 'worker', kind: 'data-source' })).json().token.token;
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    const call = (r: Route) => {
      const url = r.url.replace(/:[^/]+/g, 'unknown-id').replace(/\*$/, 'settings/mail');
      const body = r.method === 'GET' || r.method === 'DELETE' ? undefined : {};
      if (r.access === 'user' || r.access === 'admin') return admin.request(r.method, url, body);
      const headers = r.access === 'service' ? bearer(serviceToken) : r.access === 'report' ? bearer(reportToken) : {};
      return t.app.inject({ method: r.method as 'GET', url, payload: body, headers });
    };
    // Signing out last: the administrator's session serves every call before it.
    const signOut = route('DELETE /api/session');
    for (const r of [...routes.filter((other) => other !== signOut), signOut]) expectDocumented(r, await call(r));
  });
});
