import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, login, type TestApp } from './support/app.js';
import { dialects, tempDir } from './support/databases.js';

/** A built screen of two files, as `npm run build:web` leaves it in dist/web. */
function fakeBuiltScreen(): string {
  const dir = tempDir('tayori-screen-');
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Tayori</title><script type="module" src="/assets/app-abc123.js"></script>');
  writeFileSync(join(dir, 'assets', 'app-abc123.js'), 'console.log("screen")');
  return dir;
}

const PAGE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

describe.each(dialects())('the screen served by tayori serve on $name', (dialect) => {
  let t: TestApp;

  beforeEach(async ({ skip }) => {
    if (dialect.skip) skip('no PostgreSQL');
    t = await createTestApp(dialect, { screenDir: fakeBuiltScreen() });
  });
  afterEach(async () => {
    await t?.close();
  });

  it('answers every page path with the app, under a CSP without inline script, not framable', async () => {
    for (const url of ['/', '/login', '/settings/mail', '/users?x=1', '/no/such/page']) {
      const response = await t.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type'], url).toMatch(/^text\/html/);
      expect(response.body, url).toContain('/assets/app-abc123.js');
      expect(response.headers, url).toMatchObject({ ...PAGE_HEADERS, 'cache-control': 'no-cache' });
      const csp = String(response.headers['content-security-policy']);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    }
  });

  it('serves the built files for good (their names change with their content), and 404s what is not there', async () => {
    const script = await t.app.inject({ method: 'GET', url: '/assets/app-abc123.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(script.headers['cache-control']).toContain('immutable');
    expect(script.headers).toMatchObject(PAGE_HEADERS);

    for (const url of ['/assets/missing.js', '/favicon.ico', '/assets/..%2findex.html', '/assets/%2e%2e/%2e%2e/package.json']) {
      const response = await t.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.json(), url).toMatchObject({ error: { code: 'error.not_found' } });
    }
  });

  it('keeps unknown /api paths JSON 404s, and the API behind its guards', async () => {
    for (const [method, url] of [['GET', '/api/nothing-here'], ['GET', '/api'], ['POST', '/api/nothing-here'], ['POST', '/settings/mail']] as const) {
      const response = await t.app.inject({ method, url, headers: { 'accept-language': 'en' } });
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.json(), `${method} ${url}`).toEqual({ error: { code: 'error.not_found', message: 'Not found.' } });
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/settings/mail' })).statusCode).toBe(401);
    const admin = await login(t.app);
    expect((await admin.request('GET', '/api/settings/mail')).statusCode).toBe(200);
  });
});

describe.each(dialects())('a server whose screen is not built yet, on $name', (dialect) => {
  let t: TestApp;

  beforeEach(async ({ skip }) => {
    if (dialect.skip) skip('no PostgreSQL');
    t = await createTestApp(dialect, { screenDir: tempDir('tayori-unbuilt-') });
  });
  afterEach(async () => {
    await t?.close();
  });

  it("says how to build it, in the reader's language, and the API still works", async () => {
    const japanese = await t.app.inject({ method: 'GET', url: '/settings/mail' });
    expect(japanese.statusCode).toBe(503);
    expect(japanese.body).toContain('npm run build:web');
    expect(japanese.body).toContain('ビルドされていません');
    const english = await t.app.inject({ method: 'GET', url: '/', headers: { 'accept-language': 'en' } });
    expect(english.body).toContain('has not been built yet');
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
