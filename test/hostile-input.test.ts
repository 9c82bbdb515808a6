import { once } from 'node:events';
import { connect } from 'node:net';
import { beforeEach, describe, expect, it } from 'vitest';
import { type Client, freshAppEachTest, login } from './support/app.js';
import { dialects } from './support/databases.js';
import { smtpSettingsForm } from './support/mail-settings.js';

/** Every error the server sends has this shape (README, HTTP API). */
const APP_ERROR_SHAPE = {
  error: { code: expect.stringMatching(/^[a-z_]+\.[a-z_.]+$/), message: expect.any(String) },
};

describe.each(dialects())('hostile input on $name', (dialect) => {
  let admin: Client;
  const t = freshAppEachTest(dialect);

  beforeEach(async () => {
    admin = await login(t.app);
  });

  /** POST /api/mail/messages with a service token made for the test; a string is sent as it is. */
  async function submitMail(payload: object | string, headers: Record<string, string> = {}) {
    const token = (await admin.request('POST', '/api/mail/tokens', { name: '販売管理' })).json().token.token;
    return t.app.inject({
      method: 'POST',
      url: '/api/mail/messages',
      payload,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    });
  }

  describe('NUL, which PostgreSQL cannot store, gets the same answer on every database', () => {
    it('in a login ID: a 422 naming the field, not a 500', async () => {
      const response = await t.app.inject({ method: 'POST', url: '/api/session', payload: { loginId: 'adm\u0000in', password: 'x' } });
      expect(response.statusCode, response.body).toBe(422);
      expect(response.json().error.fields).toEqual([
        { path: 'loginId', code: 'validation.control_chars', message: '改行・制御文字は使用できません。' },
      ]);
    });

    it.each([
      ['GET', '/api/users/%00'],
      ['GET', '/api/users/ad%00min'],
      ['PUT', '/api/users/%00'],
      ['DELETE', '/api/mail/tokens/%00'],
      ['GET', '/api/audit?action=%00'],
      ['GET', '/api/mail/deliveries?state=%00'],
      ['GET', '/api/dev-mailbox/%00'],
    ])('in the URL of %s %s: a 400 in the app’s shape', async (method, url) => {
      const response = await admin.request(method, url, method === 'PUT' ? { displayName: 'x' } : undefined);
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json()).toEqual({ error: { code: 'error.bad_request', message: 'リクエストの形式が正しくありません。' } });
    });

    it('in a header: refused before it reaches a query (user agent, Idempotency-Key)', async () => {
      const loginWithAgent = await t.app.inject({
        method: 'POST',
        url: '/api/session',
        payload: { loginId: 'admin', password: 'initial-admin-password' },
        headers: { 'user-agent': 'Mozilla\u0000/5.0' },
      });
      expect(loginWithAgent.statusCode, loginWithAgent.body).toBe(400);
      expect(loginWithAgent.json().error.code).toBe('error.bad_request');

      const mail = await submitMail({ to: 'a@example.jp', subject: 'x', text: 'y' }, { 'idempotency-key': 'order\u00001' });
      expect(mail.statusCode, mail.body).toBe(400);
      expect((await admin.request('GET', '/api/mail/deliveries')).json().deliveries).toEqual([]);
    });
  });

  describe('a lone UTF-16 surrogate, which is no character, gets the same answer on every database', () => {
    it('in a mail: a 422 naming the field, and nothing is queued; a real pair of surrogates (an emoji) is text', async () => {
      for (let attempt = 0; attempt < 2; attempt++) {
        const lone = await submitMail('{"to":"a@example.jp","subject":"x","text":"ご案内\\ud800です","attachments":[{"filename":"a\\udfff.txt","content":"eA=="}]}');
        expect(lone.statusCode, lone.body).toBe(422);
        expect(lone.json().error.fields).toEqual([
          { path: 'text', code: 'validation.lone_surrogate', message: '文字として読めないデータ(対になっていないサロゲート)が含まれています。' },
        ]);
      }
      const inName = await submitMail('{"to":"a@example.jp","subject":"x","text":"y","attachments":[{"filename":"a\\udfff.txt","content":"eA=="}]}');
      expect(inName.json().error.fields[0].path).toBe('attachments.0.filename');
      expect((await admin.request('GET', '/api/mail/deliveries')).json().deliveries).toEqual([]);

      for (let attempt = 0; attempt < 2; attempt++) {
        const emoji = await submitMail('{"to":"a@example.jp","subject":"\\ud83d\\udce7 ご案内","text":"y"}');
        expect(emoji.statusCode, emoji.body).toBe(202);
        expect(emoji.json().delivery.subject).toBe('📧 ご案内');
      }
      const logged = (await admin.request('GET', '/api/mail/deliveries')).json().deliveries;
      expect(logged.map((d: { subject: string }) => d.subject)).toEqual(['📧 ご案内', '📧 ご案内']);
    });
  });

  describe('bodies that would hold up the server for everyone', () => {
    it('a body over 1 MB is refused with 413 on every route but the mail API, also on a path that does not exist', async () => {
      const bigObject = JSON.stringify(Object.fromEntries(Array.from({ length: 120_000 }, (_, i) => [`k${i}`, 1])));
      expect(bigObject.length).toBeGreaterThan(1024 * 1024);
      for (const url of ['/api/session', '/no-such-path', '/api/settings/mail']) {
        const response = await t.app.inject({ method: 'POST', url, payload: bigObject, headers: { 'content-type': 'application/json' } });
        expect(response.statusCode, url).toBe(413);
        expect(response.json(), url).toMatchObject({ error: { code: 'error.payload_too_large' } });
      }
    });

    it('a 422 lists at most 100 problems, however many unknown fields the body has', async () => {
      const manyKeys = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, 1]));
      const response = await t.app.inject({ method: 'POST', url: '/api/session', payload: { loginId: 'admin', password: 'x', ...manyKeys } });
      expect(response.statusCode).toBe(422);
      expect(response.json().error.fields).toHaveLength(100);
      expect(response.body.length).toBeLessThan(20_000);
    });

    it('JSON nested deeper than 32 levels is refused before it is parsed, on any path, a 404 included', async () => {
      const nested = (depth: number, inner = '1') => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;
      const post = (url: string, payload: string) => t.app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } });
      for (const url of ['/api/session', '/api/no-such-route']) {
        for (const payload of [nested(100_000, '"\\ud800"'), nested(524_000), nested(33), `{"loginId":"a","password":"b","x":${nested(32)}}`]) {
          const response = await post(url, payload);
          expect(response.statusCode, response.body.slice(0, 200)).toBe(400);
          expect(response.json()).toEqual({ error: { code: 'error.json_too_deep', message: '本文の JSON の入れ子が深すぎます(32段まで)。' } });
        }
      }
      // 32 levels, and brackets inside strings (escaped quotes too), are read as before.
      const deepest = await post('/api/session', nested(32));
      expect(deepest.statusCode).toBe(422);
      const inStrings = await post('/api/session', JSON.stringify({ loginId: `\\"${'['.repeat(1000)}`, password: '{'.repeat(1000) }));
      expect(inStrings.statusCode, inStrings.body.slice(0, 200)).toBe(422);
      expect(inStrings.json().error.fields.map((field: { path: string }) => field.path)).toEqual(['loginId']);
    });

    it('__proto__ or constructor.prototype in a body: 400 naming them, not "not valid JSON"', async () => {
      for (const payload of ['{"__proto__":{"role":"admin"}}', '{"displayName":"x","constructor":{"prototype":{"role":"admin"}}}']) {
        const response = await t.app.inject({ method: 'POST', url: '/api/session', payload, headers: { 'content-type': 'application/json' } });
        expect(response.statusCode).toBe(400);
        expect(response.json()).toEqual({
          error: { code: 'error.json_forbidden_key', message: '本文に使用できない項目名(__proto__、constructor.prototype)が含まれています。' },
        });
      }
      expect(({} as Record<string, unknown>).role).toBeUndefined();
    });
  });

  describe("Fastify's own errors answer in the app's shape and language", () => {
    it('a path parameter over 100 characters: not found, without echoing the URL', async () => {
      const longId = 'a'.repeat(150);
      const anonymous = await t.app.inject({ method: 'GET', url: `/api/users/${longId}` });
      expect(anonymous.statusCode).toBe(404);
      expect(anonymous.json()).toEqual({ error: { code: 'error.not_found', message: '対象が見つかりません。' } });
      expect(anonymous.body).not.toContain(longId);

      const english = await t.app.inject({ method: 'GET', url: `/api/users/${longId}`, headers: { 'accept-language': 'en' } });
      expect(english.json()).toEqual({ error: { code: 'error.not_found', message: 'Not found.' } });
    });

    it('a URL that is not valid percent-encoding: 400, without echoing the URL', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/api/users/%E0%A4%A', headers: { 'accept-language': 'en' } });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error: { code: 'error.bad_request', message: 'The request is malformed.' } });
      expect(response.body).not.toContain('%E0');
    });

    it('a request that is not HTTP at all, on a real socket', async () => {
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = t.app.server.address() as { port: number };
      const socket = connect(port, '127.0.0.1');
      await once(socket, 'connect');
      let answer = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
      socket.write('GARBAGE / HTTP/1.1\r\nHost: x\r\n\r\n');
      await once(socket, 'close');
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
      expect(JSON.parse(body)).toEqual({ error: { code: 'error.bad_request', message: 'リクエストの形式が正しくありません。' } });
      expect(answer.toLowerCase()).toContain('x-content-type-options: nosniff');
    });
  });

  describe('bodies that are not UTF-8 JSON are refused with what to change, and nothing is queued', () => {
    const mailInShiftJis = Buffer.concat([
      Buffer.from('{"to":"a@example.jp","subject":"'),
      Buffer.from([0x82, 0xb2, 0x88, 0xc4, 0x93, 0xe0]), // 「ご案内」 in Shift_JIS
      Buffer.from('","text":"y"}'),
    ]);
    const queued = async () => (await admin.request('GET', '/api/mail/deliveries')).json().deliveries;

    it('Shift_JIS bytes: 400 saying to send UTF-8, instead of a mail sent as replacement characters', async () => {
      const response = await submitMail(mailInShiftJis as unknown as string);
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json()).toEqual({
        error: { code: 'error.body_not_utf8', message: '本文が UTF-8 として読めません。Shift_JIS などではなく UTF-8 で送ってください。' },
      });
      expect(await queued()).toEqual([]);
    });

    it.each(['application/json; charset=Shift_JIS', 'application/json; charset="euc-jp"'])(
      'a declared charset other than UTF-8 (%s): 415, even when the bytes happen to be ASCII',
      async (contentType) => {
        const response = await submitMail({ to: 'a@example.jp', subject: 'x', text: 'y' }, { 'content-type': contentType, 'accept-language': 'en' });
        expect(response.statusCode, response.body).toBe(415);
        expect(response.json().error).toEqual({
          code: 'error.json_charset',
          message: 'Send JSON in UTF-8 (a Content-Type charset other than UTF-8 is not accepted).',
        });
        expect(await queued()).toEqual([]);
      },
    );

    it('UTF-8, declared or not, with or without a byte order mark, is taken as it is', async () => {
      const withMark = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ to: 'a@example.jp', subject: 'ご案内', text: 'y' }))]);
      expect((await submitMail(withMark as unknown as string)).statusCode).toBe(202);
      const declared = await submitMail({ to: 'a@example.jp', subject: 'ご案内', text: 'y' }, { 'content-type': 'application/json; charset=UTF-8' });
      expect(declared.statusCode, declared.body).toBe(202);
      expect((await queued()).map((mail: { subject: string }) => mail.subject)).toEqual(['ご案内', 'ご案内']);
    });

    it.each([
      ['text/plain', '{"to":"a@example.jp","subject":"x","text":"y"}', 415, 'error.unsupported_media_type', '本文は Content-Type: application/json で送ってください。'],
      ['application/json', '{"to":"a@example.jp","subject":', 400, 'error.invalid_json', '本文が JSON として読めません(空、または書式の誤り)。'],
      ['application/json', '', 400, 'error.invalid_json', '本文が JSON として読めません(空、または書式の誤り)。'],
    ])('Content-Type %s with %j: %i saying what is wrong', async (contentType, body, status, code, message) => {
      const response = await submitMail(body, { 'content-type': contentType });
      expect(response.statusCode, response.body).toBe(status);
      expect(response.json()).toEqual({ error: { code, message } });
      expect(await queued()).toEqual([]);
    });
  });

  describe('characters that turn the direction of text are refused where one line is typed', () => {
    const BIDI = '\u202e';
    it('in a subject, a recipient’s name, a display name and a run name: a 422 naming the field', async () => {
      const mail = await submitMail({ to: [{ name: `田中${BIDI}`, address: 'a@example.jp' }], subject: `ご案内${BIDI}`, text: 'y' });
      expect(mail.statusCode, mail.body).toBe(422);
      expect(mail.json().error.fields).toEqual([
        { path: 'to.0.name', code: 'validation.bidi_controls', message: '文字の向きを変える制御文字(U+202A〜U+202E、U+2066〜U+2069)は使用できません。' },
        { path: 'subject', code: 'validation.bidi_controls', message: '文字の向きを変える制御文字(U+202A〜U+202E、U+2066〜U+2069)は使用できません。' },
      ]);
      const profile = await admin.request('PUT', '/api/me', { displayName: `管理者\u2067(admin)` });
      expect(profile.statusCode, profile.body).toBe(422);
      expect(profile.json().error.fields.map((f: { path: string; code: string }) => [f.path, f.code])).toEqual([['displayName', 'validation.bidi_controls']]);
      const { token } = (await admin.request('POST', '/api/report-tokens', { name: '取込', kind: 'data-source' })).json().token;
      const run = await t.app.inject({
        method: 'POST',
        url: '/api/runs',
        payload: { kind: 'data-source', name: `取込${BIDI}` },
        headers: { authorization: `Bearer ${token}` },
      });
      expect(run.json().error.fields.map((f: { path: string; code: string }) => [f.path, f.code])).toEqual([['name', 'validation.bidi_controls']]);
    });
  });

  describe('messages that name the real mistake', () => {
    it('a list separated by commas: use ";"', async () => {
      const response = await submitMail({ to: 'a@x.jp, b@y.jp', subject: 'x', text: 'y' });
      expect(response.json().error.fields).toEqual([
        { path: 'to', code: 'address.comma', message: '「a@x.jp, b@y.jp」: 区切り文字はカンマではなくセミコロン「;」を使用してください。' },
      ]);
    });

    it('two addresses separated by a space in a list: use ";"', async () => {
      const response = await admin.request('PUT', '/api/settings/mail', smtpSettingsForm(2525, { suspensionRecipients: 'a@x.jp b@y.jp' }));
      expect(response.json().error.fields).toEqual([
        { path: 'suspensionRecipients', code: 'address.separator', message: '「a@x.jp b@y.jp」: 複数のメールアドレスはセミコロン「;」で区切ってください。' },
      ]);
    });

    it('two addresses as the sender: one address only', async () => {
      for (const sender of ['a@b.jp; c@d.jp', 'a@b.jp, c@d.jp', 'a@b.jp c@d.jp']) {
        const response = await admin.request('PUT', '/api/settings/mail', smtpSettingsForm(2525, { senderAddress: sender }));
        expect(response.json().error.fields, sender).toEqual([
          { path: 'senderAddress', code: 'address.one_only', message: `「${sender}」: メールアドレスを一つだけ入力してください。` },
        ]);
      }
    });

    it('a display name is still called a display name', async () => {
      const response = await admin.request('PUT', '/api/settings/mail', smtpSettingsForm(2525, { senderAddress: '山田 <a@b.jp>' }));
      expect(response.json().error.fields[0]).toMatchObject({ path: 'senderAddress', code: 'address.display_name' });
    });

    it('a list of 1001 items names the field and the limit', async () => {
      const to = Array.from({ length: 1001 }, (_, i) => `user${i}@example.jp`);
      const response = await submitMail({ to, subject: 'x', text: 'y' });
      expect(response.statusCode).toBe(422);
      expect(response.json().error.fields).toEqual([
        { path: 'to', code: 'address.too_many', message: 'メールアドレスは100件までです(入力: 1001件)。' },
      ]);
    });

    it('an Idempotency-Key sent twice is refused, not joined into a third key ("a, b") that no retry repeats', async () => {
      const mail = { to: 'a@example.jp', subject: 'x', text: 'y' };
      const twice = await submitMail(mail, { 'idempotency-key': ['order-1', 'order-2'] as unknown as string });
      expect(twice.statusCode).toBe(422);
      expect(twice.json().error.fields).toEqual([
        { path: 'Idempotency-Key', code: 'mail.idempotency_key_repeated', message: 'Idempotency-Key ヘッダーは1つだけ送ってください。' },
      ]);
      expect((await submitMail(mail, { 'idempotency-key': 'order-1, order-2' })).statusCode).toBe(202);
      expect((await admin.request('GET', '/api/mail/deliveries')).json().deliveries).toHaveLength(1);
    });

    it('a bad Idempotency-Key names the header', async () => {
      const submit = (key: string) => submitMail({ to: 'a@example.jp', subject: 'x', text: 'y' }, { 'idempotency-key': key });
      expect((await submit('k'.repeat(201))).json().error.fields).toEqual([
        { path: 'Idempotency-Key', code: 'validation.too_long', message: '200文字以内で入力してください。' },
      ]);
      expect((await submit('order\t1')).json().error.fields).toEqual([
        { path: 'Idempotency-Key', code: 'validation.control_chars', message: '改行・制御文字は使用できません。' },
      ]);
    });
  });

  describe('pagination', () => {
    it.each(['-1', 'bm90LWpzb24', Buffer.from(JSON.stringify(['2026-04-01T00:00:00.000Z', 'a\u0000b'])).toString('base64url'), Buffer.from('[1,2]').toString('base64url')])(
      'refuses the cursor %s with 422 instead of starting again at the first page',
      async (cursor) => {
        for (const url of [`/api/audit?cursor=${cursor}`, `/api/mail/deliveries?cursor=${cursor}`]) {
          const response = await admin.request('GET', url);
          expect(response.statusCode, url).toBe(422);
          expect(response.json().error.fields).toEqual([
            { path: 'cursor', code: 'validation.cursor', message: 'ページの指定(cursor)が正しくありません。最初のページから読み直してください。' },
          ]);
        }
      },
    );

    it.each(['/api/mail/deliveries?stat=failed', '/api/audit?acton=settings.mail.update', '/api/runs?outcom=failed'])(
      'a misspelt filter (%s) is a 422 naming it, not the whole list answered as if filtered',
      async (url) => {
        const response = await admin.request('GET', url);
        expect(response.statusCode, response.body).toBe(422);
        const name = new URL(url, 'http://x').searchParams.keys().next().value;
        expect(response.json().error.fields).toEqual([{ path: name, code: 'validation.unknown_field', message: 'この項目は受け付けられません。' }]);
      },
    );

    it('follows a cursor it handed out', async () => {
      for (let i = 0; i < 3; i++) await admin.request('POST', '/api/mail/tokens', { name: `token-${i}` });
      const first = (await admin.request('GET', '/api/audit?limit=2')).json();
      const second = await admin.request('GET', `/api/audit?limit=2&cursor=${first.nextCursor}`);
      expect(second.statusCode).toBe(200);
      expect(second.json().entries.map((e: { target: string }) => e.target)).toEqual(['token-0', 'admin']);
    });
  });

  describe('response headers', () => {
    it('nosniff on every answer, no-store on the API, and no X-Powered-By', async () => {
      const answers = {
        me: await admin.request('GET', '/api/me'),
        settings: await admin.request('GET', '/api/settings/mail'),
        anonymous: await t.app.inject({ method: 'GET', url: '/api/users' }),
        unknown: await t.app.inject({ method: 'GET', url: '/api/nothing-here' }),
        invalid: await admin.request('POST', '/api/users', { loginId: '' }),
        tooLong: await t.app.inject({ method: 'GET', url: `/api/users/${'a'.repeat(150)}` }),
        healthz: await t.app.inject({ method: 'GET', url: '/healthz' }),
      };
      for (const [name, response] of Object.entries(answers)) {
        expect(response.headers['x-content-type-options'], name).toBe('nosniff');
        expect(response.headers['x-powered-by'], name).toBeUndefined();
        if (name !== 'healthz') expect(response.headers['cache-control'], name).toBe('no-store');
        if (response.statusCode >= 400) expect(response.json(), name).toMatchObject(APP_ERROR_SHAPE);
      }
    });
  });
});
