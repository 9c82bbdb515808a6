import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LABELS, type MailSettingsFormInput, type MailSettingsView, mailSettingsFormSchema } from '../src/contracts/mail-settings.js';
import { parseAddress } from '../src/contracts/address.js';
import { systemActor } from '../src/server/audit/audit.service.js';
import { DEV_MAILBOX_SENDER } from '../src/server/dev-mailbox/sender.js';
import { saveMailSettings, seedSettingsForDevMailbox } from '../src/server/settings/mail-settings.service.js';
import { readMailSettings } from '../src/server/settings/mail-settings.record.js';
import { passwordForForm } from '../src/server/settings/smtp-credentials.js';
import { type Client, createTestApp, createUserAndLogin, login, type TestApp } from './support/app.js';
import { dialects } from './support/databases.js';

const quietKind = { enabled: false, normalEnd: false, abnormalEnd: false, longRunning: false, longRunningHours: 3 };
const PASSWORD = 'Baseline-S3cret!';

/** A complete, valid form of custom mode: own SMTP server with authentication, sending on. */
function validForm(): MailSettingsFormInput & Record<string, unknown> {
  return {
    sendingEnabled: true,
    server: 'smtp',
    smtp: { host: 'smtp.example.jp', port: 587, security: 'starttls', authEnabled: true, username: 'mailer', password: PASSWORD },
    senderAddress: 'sender@example.jp',
    suspensionRecipients: 'ops@example.jp',
    monitoring: {
      intervalMinutes: 10,
      recipients: 'monitor@example.jp',
      kinds: {
        'data-source': { ...quietKind, enabled: true, abnormalEnd: true },
        'google-calendar-sync': quietKind,
        'analytics-link': quietKind,
      },
    },
  };
}

/** The valid form with one value replaced, by dotted path (`smtp.port`); undefined removes it. */
function formWith(path: string, value: unknown, form: Record<string, unknown> = validForm()): Record<string, unknown> {
  const keys = path.split('.');
  let node = form;
  for (const key of keys.slice(0, -1)) {
    node[key] = { ...(node[key] as Record<string, unknown>) };
    node = node[key] as Record<string, unknown>;
  }
  if (value === undefined) delete node[keys.at(-1)!];
  else node[keys.at(-1)!] = value;
  return form;
}

const many = (count: number) => Array.from({ length: count }, (_, i) => `user${i}@example.jp`).join(';');
const longDomain = `${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.jp`;

interface Rejected {
  name: string;
  body: Record<string, unknown>;
  path: string;
  code: string;
}

const BREAKS = { CR: '\r', LF: '\n', NUL: '\u0000' };

/** CR, LF and NUL in every text field of the form. */
const controlCharacterCases: Rejected[] = Object.entries(BREAKS).flatMap(([name, c]) => [
  { name: `${name} in the host`, body: formWith('smtp.host', `smtp.exa${c}mple.jp`), path: 'smtp.host', code: 'validation.control_chars' },
  { name: `${name} in the user name`, body: formWith('smtp.username', `mai${c}ler`), path: 'smtp.username', code: 'validation.control_chars' },
  { name: `${name} in the password`, body: formWith('smtp.password', `pass${c}word`), path: 'smtp.password', code: 'validation.control_chars' },
  { name: `${name} in the sender`, body: formWith('senderAddress', `sender@example.jp${c}`), path: 'senderAddress', code: 'address.control_chars' },
  {
    name: `${name} in the suspension recipients`,
    body: formWith('suspensionRecipients', `ops@example.jp;a${c}b@example.jp`),
    path: 'suspensionRecipients',
    code: 'address.control_chars',
  },
  {
    name: `${name} in the monitoring recipients`,
    body: formWith('monitoring.recipients', [`mon${c}itor@example.jp`]),
    path: 'monitoring.recipients',
    code: 'address.control_chars',
  },
  {
    name: `${name} in the Gmail client ID`,
    body: formWith('gmail', { clientId: `client${c}id` }, formWith('server', 'gmail')),
    path: 'gmail.clientId',
    code: 'validation.control_chars',
  },
]);

const rejectedCases: Rejected[] = [
  ...controlCharacterCases,
  { name: 'an address over 254 characters', body: formWith('senderAddress', `${'a'.repeat(64)}@${longDomain}`), path: 'senderAddress', code: 'address.too_long' },
  { name: 'a local part over 64', body: formWith('suspensionRecipients', `${'a'.repeat(65)}@example.jp`), path: 'suspensionRecipients', code: 'address.local_too_long' },
  { name: 'a display name', body: formWith('suspensionRecipients', '山田 <a@b.jp>'), path: 'suspensionRecipients', code: 'address.display_name' },
  { name: 'an address in < >', body: formWith('monitoring.recipients', '<a@b.jp>'), path: 'monitoring.recipients', code: 'address.display_name' },
  { name: 'a display name as sender', body: formWith('senderAddress', '山田 <a@b.jp>'), path: 'senderAddress', code: 'address.display_name' },
  { name: 'a comma inside an item', body: formWith('suspensionRecipients', 'a@b.jp,c@d.jp'), path: 'suspensionRecipients', code: 'address.comma' },
  { name: 'a domain starting with -', body: formWith('suspensionRecipients', 'a@-x.jp'), path: 'suspensionRecipients', code: 'address.domain_invalid' },
  { name: 'a domain with ..', body: formWith('suspensionRecipients', 'a@x..jp'), path: 'suspensionRecipients', code: 'address.domain_invalid' },
  { name: 'a one-label domain', body: formWith('senderAddress', 'a@x'), path: 'senderAddress', code: 'address.domain_invalid' },
  { name: 'no domain', body: formWith('monitoring.recipients', 'a@'), path: 'monitoring.recipients', code: 'address.malformed' },
  { name: '101 addresses', body: formWith('suspensionRecipients', many(101)), path: 'suspensionRecipients', code: 'address.too_many' },
  { name: 'port 0', body: formWith('smtp.port', 0), path: 'smtp.port', code: 'validation.too_small' },
  { name: 'port 65536', body: formWith('smtp.port', 65536), path: 'smtp.port', code: 'validation.too_big' },
  { name: 'port "25a"', body: formWith('smtp.port', '25a'), path: 'smtp.port', code: 'validation.expected_number' },
  { name: 'port 25.5', body: formWith('smtp.port', 25.5), path: 'smtp.port', code: 'validation.not_integer' },
  { name: 'interval 0', body: formWith('monitoring.intervalMinutes', 0), path: 'monitoring.intervalMinutes', code: 'validation.too_small' },
  { name: 'interval 7', body: formWith('monitoring.intervalMinutes', 7), path: 'monitoring.intervalMinutes', code: 'settings.interval_step' },
  { name: 'interval 65', body: formWith('monitoring.intervalMinutes', 65), path: 'monitoring.intervalMinutes', code: 'validation.too_big' },
  {
    name: 'long-running hours 0',
    body: formWith('monitoring.kinds.data-source.longRunningHours', 0),
    path: 'monitoring.kinds.data-source.longRunningHours',
    code: 'validation.too_small',
  },
  {
    name: 'long-running hours 25',
    body: formWith('monitoring.kinds.analytics-link.longRunningHours', 25),
    path: 'monitoring.kinds.analytics-link.longRunningHours',
    code: 'validation.too_big',
  },
  {
    name: 'a kind 有効 without any checkbox',
    body: formWith('monitoring.kinds.google-calendar-sync.enabled', true),
    path: 'monitoring.kinds.google-calendar-sync.enabled',
    code: 'settings.kind_needs_outcome',
  },
  {
    name: 'a kind 有効 with no monitoring recipients',
    body: formWith('monitoring.recipients', ' ; '),
    path: 'monitoring.recipients',
    code: 'settings.monitoring_recipients_required',
  },
  { name: 'an unknown field', body: formWith('smtpServer', 'x'), path: 'smtpServer', code: 'validation.unknown_field' },
  { name: 'an unknown field inside smtp', body: formWith('smtp.tls', true), path: 'smtp.tls', code: 'validation.unknown_field' },
  { name: 'a string for a boolean', body: formWith('sendingEnabled', 'true'), path: 'sendingEnabled', code: 'validation.expected_boolean' },
  { name: 'a number for a boolean', body: formWith('smtp.authEnabled', 1), path: 'smtp.authEnabled', code: 'validation.expected_boolean' },
  {
    name: 'a string for [証明書を検証しない]',
    body: formWith('smtp.skipCertificateVerification', 'yes'),
    path: 'smtp.skipCertificateVerification',
    code: 'validation.expected_boolean',
  },
  {
    name: 'an empty Gmail client secret',
    body: formWith('gmail', { clientId: 'client.apps.googleusercontent.com', clientSecret: '' }, formWith('server', 'gmail')),
    path: 'gmail.clientSecret',
    code: 'validation.required',
  },
  { name: 'a string for a number', body: formWith('monitoring.intervalMinutes', '10'), path: 'monitoring.intervalMinutes', code: 'validation.expected_number' },
  { name: 'a number for an address list', body: formWith('suspensionRecipients', 5), path: 'suspensionRecipients', code: 'validation.invalid' },
  { name: 'a number for the sender', body: formWith('senderAddress', 42), path: 'senderAddress', code: 'validation.expected_text' },
  { name: 'an unknown server kind', body: formWith('server', 'exchange'), path: 'server', code: 'validation.invalid_choice' },
  { name: 'an unknown encryption', body: formWith('smtp.security', 'ssl'), path: 'smtp.security', code: 'validation.invalid_choice' },
  { name: 'a missing section', body: formWith('monitoring', undefined), path: 'monitoring', code: 'validation.required' },
  { name: 'a host that is no host name', body: formWith('smtp.host', 'smtp example.jp'), path: 'smtp.host', code: 'settings.host_invalid' },
  { name: 'no host while sending is on', body: formWith('smtp.host', ''), path: 'smtp.host', code: 'settings.required_to_send' },
  { name: 'no sender while sending is on', body: formWith('senderAddress', null), path: 'senderAddress', code: 'settings.required_to_send' },
  { name: 'authentication without a user name', body: formWith('smtp.username', '  '), path: 'smtp.username', code: 'validation.required' },
  {
    name: 'a new host without re-entering the password while sending is on',
    body: formWith('smtp.password', undefined, formWith('smtp.host', 'other.example.jp')),
    path: 'smtp.password',
    code: 'smtp.password_reenter',
  },
  {
    name: 'a weaker encryption without re-entering the password while sending is on',
    body: formWith('smtp.password', undefined, formWith('smtp.security', 'none')),
    path: 'smtp.password',
    code: 'smtp.password_reenter',
  },
  {
    name: 'certificate verification turned off without re-entering the password while sending is on',
    body: formWith('smtp.password', undefined, formWith('smtp.skipCertificateVerification', true)),
    path: 'smtp.password',
    code: 'smtp.password_reenter',
  },
  {
    name: 'a Gmail client while 既定 is chosen',
    body: formWith('gmail', { clientId: 'client.apps.googleusercontent.com' }),
    path: 'gmail.clientId',
    code: 'settings.gmail_not_selected',
  },
  { name: 'an empty password', body: formWith('smtp.password', ''), path: 'smtp.password', code: 'validation.required' },
];

interface Accepted {
  name: string;
  body: Record<string, unknown>;
  expect: (view: MailSettingsView) => void;
}

const recipients = (input: unknown, expected: string[]): Accepted => ({
  name: `recipients ${JSON.stringify(input).slice(0, 60)}`,
  body: formWith('suspensionRecipients', input),
  expect: (view) => expect(view.settings.suspensionRecipients).toEqual(expected),
});

const hundred = Array.from({ length: 100 }, (_, i) => `user${i}@example.jp`);

const acceptedCases: Accepted[] = [
  recipients('a@x.jp;;b@y.jp;', ['a@x.jp', 'b@y.jp']),
  recipients('  a@x.jp ;   b@y.jp  ', ['a@x.jp', 'b@y.jp']),
  recipients('a@x.jp;', ['a@x.jp']),
  recipients('a@X.JP;a@x.jp;b@y.jp;a@x.Jp', ['a@x.jp', 'b@y.jp']),
  recipients('user@例え.jp', ['user@例え.jp']),
  recipients('user@xn--r8jz45g.jp', ['user@例え.jp']),
  recipients('', []),
  recipients([], []),
  recipients(hundred.join(';'), hundred),
  recipients(['a@x.jp', ' b@y.jp ', 'a@x.jp'], ['a@x.jp', 'b@y.jp']),
  recipients([...hundred, 'USER0@example.jp'], hundred),
  recipients('Sec@example.jp;; SEC@EXAMPLE.JP ;sec@Example.jp; b@y.jp', ['Sec@example.jp', 'b@y.jp']),
  {
    name: 'the sender trimmed, its domain lower-cased',
    body: formWith('senderAddress', ' Sender@Example.JP '),
    expect: (view) => expect(view.settings.senderAddress).toBe('Sender@example.jp'),
  },
  {
    name: 'monitoring recipients as an array',
    body: formWith('monitoring.recipients', ['m1@example.jp', 'm2@例え.jp']),
    expect: (view) => expect(view.settings.monitoring.recipients).toEqual(['m1@example.jp', 'm2@例え.jp']),
  },
  ...[5, 60].map((minutes) => ({
    name: `interval ${minutes}`,
    body: formWith('monitoring.intervalMinutes', minutes),
    expect: (view: MailSettingsView) => expect(view.settings.monitoring.intervalMinutes).toBe(minutes),
  })),
  ...[1, 24].map((hours) => ({
    name: `long-running hours ${hours}`,
    body: formWith('monitoring.kinds.data-source', { enabled: true, normalEnd: false, abnormalEnd: false, longRunning: true, longRunningHours: hours }),
    expect: (view: MailSettingsView) => expect(view.settings.monitoring.kinds['data-source'].longRunningHours).toBe(hours),
  })),
  {
    name: 'host and port defaults: 587 and STARTTLS',
    body: formWith('smtp', { host: ' smtp.example.jp ', authEnabled: true, username: ' mailer ' }),
    expect: (view) =>
      expect(view.settings.smtp).toMatchObject({ host: 'smtp.example.jp', port: 587, security: 'starttls', username: 'mailer', passwordSet: true }),
  },
  {
    name: 'an IP literal as host, stored without the brackets a URL would put round it (a host name "[::1]" never resolves)',
    body: formWith('smtp', { host: '[::1]', port: 2525, security: 'none' }),
    expect: (view) => expect(view.settings.smtp).toMatchObject({ host: '::1', port: 2525, security: 'none', authEnabled: false }),
  },
  {
    name: 'sending 無効 with no host and no sender (recipients first)',
    body: formWith('senderAddress', '', formWith('smtp', { host: '' }, formWith('sendingEnabled', false))),
    expect: (view) => {
      expect(view.settings.sendingEnabled).toBe(false);
      expect(view.settings.smtp.host).toBeNull();
      expect(view.settings.senderAddress).toBeNull();
    },
  },
];

async function getView(client: Client): Promise<MailSettingsView> {
  const response = await client.request('GET', '/api/settings/mail');
  expect(response.statusCode).toBe(200);
  return response.json();
}

async function put(client: Client, body: unknown, headers?: Record<string, string>) {
  return client.request('PUT', '/api/settings/mail', body, headers);
}

async function putOk(client: Client, body: unknown): Promise<MailSettingsView> {
  const response = await put(client, body);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

describe.each(dialects())('メール送信設定 on $name', (dialect) => {
  describe.skipIf(dialect.skip)('rejected inputs: a field error at the right path, nothing saved', () => {
    let t: TestApp;
    let admin: Client;
    let saved: MailSettingsView;

    beforeAll(async () => {
      t = await createTestApp(dialect);
      admin = await login(t.app);
      saved = await putOk(admin, validForm());
    });
    afterAll(async () => {
      await t?.close();
    });

    it('has a refused input for every field of the form in its table', () => {
      const covered = (field: string) => rejectedCases.some(({ path }) => path === field || path.startsWith(`${field}.`));
      expect(Object.keys(LABELS).filter((field) => !covered(field))).toEqual([]);
    });

    it.each(rejectedCases)('refuses $name', async ({ body, path, code }) => {
      const response = await put(admin, body);
      expect(response.statusCode, response.body).toBe(422);
      const error = response.json().error;
      expect(error.code).toBe('error.validation');
      expect(error.fields).toContainEqual(expect.objectContaining({ path, code }));
      for (const field of error.fields) expect(field.message).not.toBe(field.code);
      expect(await getView(admin)).toEqual(saved);
    });

    it('names each item of an address list that is not an address string, as it names a malformed address', async () => {
      const response = await put(admin, formWith('suspensionRecipients', ['a@example.jp', 5, null, { address: 'b@example.jp' }, 'x'.repeat(1001)]));
      expect(response.statusCode).toBe(422);
      expect(response.json().error.fields.map((field: { message: string }) => field.message)).toEqual([
        '「5」はメールアドレスではありません。メールアドレスは文字列("info@example.co.jp")で指定してください。',
        '「null」はメールアドレスではありません。メールアドレスは文字列("info@example.co.jp")で指定してください。',
        '「{"address":"b@example.jp"}」はメールアドレスではありません。メールアドレスは文字列("info@example.co.jp")で指定してください。',
        `「${'x'.repeat(77)}…」: メールアドレスは254文字以内にしてください。`,
      ]);
      expect(await getView(admin)).toEqual(saved);
    });

    /** What POST /api/settings/mail/check finds in the body, as [path, code]; a 422 is expected. */
    async function checkedProblems(body: Record<string, unknown>): Promise<[string, string][]> {
      const checked = await admin.request('POST', '/api/settings/mail/check', body);
      expect(checked.statusCode, checked.body).toBe(422);
      return checked.json().error.fields.map((f: { path: string; code: string }) => [f.path, f.code]);
    }

    it('checks a form without saving it: every problem at once (422), or 204 for one that would be saved', async () => {
      expect(await checkedProblems(formWith('senderAddress', null, formWith('smtp.port', 99999)))).toEqual(
        expect.arrayContaining([
          ['smtp.port', 'validation.too_big'],
          ['senderAddress', 'settings.required_to_send'],
        ]),
      );
      const good = await admin.request('POST', '/api/settings/mail/check', formWith('senderAddress', 'other@example.jp'));
      expect(good.statusCode, good.body).toBe(204);
      expect(await getView(admin)).toEqual(saved);
    });

    it('lists every problem of one body together, schema and sending rules alike', async () => {
      const body = formWith('senderAddress', '', formWith('smtp.host', null, formWith('smtp.port', 0, formWith('monitoring.intervalMinutes', 7))));
      const response = await put(admin, body);
      expect(response.statusCode).toBe(422);
      const paths = response.json().error.fields.map((f: { path: string }) => f.path);
      expect(paths).toEqual(expect.arrayContaining(['smtp.port', 'smtp.host', 'monitoring.intervalMinutes', 'senderAddress']));
      expect(await getView(admin)).toEqual(saved);
      // Before, a bad port hid the empty host until the port was fixed and saved again.
      for (const port of [70000, 25.5, 'abc']) {
        expect(await checkedProblems(formWith('smtp.host', '', formWith('smtp.port', port)))).toEqual([
          ['smtp.port', expect.stringMatching(/^validation\./)],
          ['smtp.host', 'settings.required_to_send'],
        ]);
      }
      // An invalid host is its own problem, not also a missing one.
      expect(await checkedProblems(formWith('smtp.host', 'bad host', formWith('smtp.port', 70000)))).toEqual([
        ['smtp.host', 'settings.host_invalid'],
        ['smtp.port', 'validation.too_big'],
      ]);
    });

    it('lists the monitoring rules across fields beside a fraction or a wrong type in another monitoring field', async () => {
      const dataSourceOn = { enabled: true, normalEnd: false, abnormalEnd: false, longRunning: false, longRunningHours: 2.5 };
      let body = formWith('monitoring.kinds.data-source', dataSourceOn, formWith('monitoring.recipients', ''));
      body = formWith('monitoring.intervalMinutes', 7.5, formWith('monitoring.kinds.analytics-link.longRunningHours', '3', body));
      // Before, only the fraction and the type were listed; the rest came one save later.
      expect(await checkedProblems(body)).toEqual(
        expect.arrayContaining([
          ['monitoring.intervalMinutes', 'validation.not_integer'],
          ['monitoring.kinds.data-source.longRunningHours', 'validation.not_integer'],
          ['monitoring.kinds.data-source.enabled', 'settings.kind_needs_outcome'],
          ['monitoring.kinds.analytics-link.longRunningHours', 'validation.expected_number'],
          ['monitoring.recipients', 'settings.monitoring_recipients_required'],
        ]),
      );
      // One step of a double above a whole number is not one either: it was taken, and the save then failed with a 500.
      expect(await checkedProblems(formWith('smtp.port', 587.0000000000001))).toEqual([['smtp.port', 'validation.not_integer']]);
      expect((await put(admin, formWith('smtp.port', 587.0000000000001))).statusCode).toBe(422);
      expect(await checkedProblems(formWith('smtp.port', 25.5, formWith('senderAddress', '')))).toEqual([
        ['smtp.port', 'validation.not_integer'],
        ['senderAddress', 'settings.required_to_send'],
      ]);
    });

    it('names the bad item in the message, in Japanese by default', async () => {
      const response = await put(admin, formWith('suspensionRecipients', 'ok@example.jp;a@x..jp'));
      expect(response.json().error.fields[0]).toEqual({
        path: 'suspensionRecipients',
        code: 'address.domain_invalid',
        message: '「a@x..jp」: @より後ろのドメイン名が正しくありません。',
      });
    });

    it('answers in English for an administrator whose locale is en', async () => {
      const english = await createUserAndLogin(t.app, admin, { loginId: 'en-admin', role: 'admin', locale: 'en' });
      const response = await put(english, formWith('suspensionRecipients', 'ok@example.jp;a@x..jp'));
      expect(response.statusCode).toBe(422);
      expect(response.json().error.message).toBe('Some values are not valid.');
      expect(response.json().error.fields[0].message).toBe('"a@x..jp": the domain after @ is not valid.');
      const required = await put(english, formWith('smtp.host', null));
      expect(required.json().error.fields).toContainEqual(
        expect.objectContaining({ path: 'smtp.host', message: 'Required when sending is enabled.' }),
      );
    });

    it('refuses a save over a newer version (409), nothing saved', async () => {
      const response = await put(admin, { ...validForm(), version: saved.version - 1 });
      expect(response.statusCode).toBe(409);
      expect(await getView(admin)).toEqual(saved);
    });
  });

  describe.skipIf(dialect.skip)('accepted inputs, normalised', () => {
    let t: TestApp;
    let admin: Client;

    beforeAll(async () => {
      t = await createTestApp(dialect);
      admin = await login(t.app);
    });
    afterAll(async () => {
      await t?.close();
    });

    it.each(acceptedCases)('accepts $name', async ({ body, expect: check }) => {
      const view = await putOk(admin, body);
      check(view);
      check(await getView(admin));
    });
  });

  describe.skipIf(dialect.skip)('settings, secrets and audit', () => {
    let t: TestApp;
    let admin: Client;

    beforeEach(async () => {
      t = await createTestApp(dialect);
      admin = await login(t.app);
    });
    afterEach(async () => {
      await t?.close();
    });

    it('shows the initial settings of a new installation (SPEC §1.6)', async () => {
      const view = await getView(admin);
      expect(view).toMatchObject({ mode: 'custom', managedSenderAddress: null, version: 0, updatedAt: null });
      expect(view.settings).toMatchObject({
        sendingEnabled: false,
        server: 'smtp',
        smtp: { host: null, port: 587, security: 'starttls', authEnabled: false, passwordSet: false },
        suspensionRecipients: [],
        monitoring: { intervalMinutes: 10, recipients: [] },
      });
      expect(view.settings.monitoring.kinds['data-source']).toEqual(quietKind);
      expect(view.visibleFields).toEqual(expect.arrayContaining(['smtp.host', 'senderAddress', 'gmail.clientId', 'suspensionRecipients']));
    });

    it('keeps the password write-only and encrypted, and applies it only to the server it was entered for', async () => {
      const saved = await putOk(admin, validForm());
      expect(saved.settings.smtp.passwordSet).toBe(true);
      const shown = await admin.request('GET', '/api/settings/mail');
      expect(shown.body).not.toContain(PASSWORD);
      expect(JSON.stringify(saved)).not.toContain(PASSWORD);

      const row = await t.ctx.db.selectFrom('mail_settings').selectAll().executeTakeFirstOrThrow();
      expect(row.smtp_password).not.toBeNull();
      expect(row.smtp_password).not.toContain(PASSWORD);
      expect(row.document).not.toContain(PASSWORD);
      const record = await readMailSettings(t.ctx.db);
      const sameServer = {
        host: 'smtp.example.jp',
        port: 587,
        username: 'mailer',
        authEnabled: true,
        security: 'starttls',
        skipCertificateVerification: false,
      } as const;
      expect(passwordForForm(t.ctx, record, sameServer)).toBe(PASSWORD);
      expect(passwordForForm(t.ctx, record, { ...sameServer, host: 'SMTP.Example.JP' })).toBe(PASSWORD);
      expect(passwordForForm(t.ctx, record, { ...sameServer, port: 465 })).toBeNull();
      expect(passwordForForm(t.ctx, record, { ...sameServer, username: 'other' })).toBeNull();
      expect(passwordForForm(t.ctx, record, { ...sameServer, host: 'evil.example.jp' })).toBeNull();
      expect(passwordForForm(t.ctx, record, { ...sameServer, host: 'evil.example.jp', password: 'typed' })).toBe('typed');
      expect(passwordForForm(t.ctx, record, { ...sameServer, authEnabled: false })).toBeNull();
      expect(passwordForForm(t.ctx, record, { ...sameServer, security: 'tls' })).toBe(PASSWORD);
      expect(passwordForForm(t.ctx, record, { ...sameServer, security: 'none' })).toBeNull();
      expect(passwordForForm(t.ctx, record, { ...sameServer, skipCertificateVerification: true })).toBeNull();

      const kept = await putOk(admin, formWith('smtp.password', undefined));
      expect(kept.settings.smtp.passwordSet).toBe(true);

      for (const [path, value] of [['smtp.host', 'other.example.jp'], ['smtp.port', 465], ['smtp.username', 'someone-else']] as const) {
        await putOk(admin, validForm());
        const changed = await putOk(admin, formWith(path, value, formWith('smtp.password', undefined, formWith('sendingEnabled', false))));
        expect(changed.settings.smtp.passwordSet, path).toBe(false);
      }

      await putOk(admin, validForm());
      const off = await putOk(admin, formWith('smtp.authEnabled', false, formWith('smtp.password', undefined)));
      expect(off.settings.smtp).toMatchObject({ authEnabled: false, username: null, passwordSet: false });
    });

    it('clears the stored password when the connection gets weaker, keeps it while it is as strong', async () => {
      const withoutPassword = (path: string, value: unknown) =>
        formWith(path, value, formWith('smtp.password', undefined, formWith('sendingEnabled', false)));
      for (const [path, value] of [['smtp.security', 'none'], ['smtp.skipCertificateVerification', true]] as const) {
        await putOk(admin, validForm());
        const weaker = await putOk(admin, withoutPassword(path, value));
        expect(weaker.settings.smtp.passwordSet, path).toBe(false);
        const audit = (await admin.request('GET', '/api/audit?action=settings.mail.update&limit=1')).json().entries[0];
        expect(audit.details.credentials, path).toEqual({ smtpAuth: 'cleared' });
      }
      await putOk(admin, validForm());
      expect((await putOk(admin, withoutPassword('smtp.security', 'tls'))).settings.smtp.passwordSet).toBe(true);
      expect((await putOk(admin, withoutPassword('smtp.security', 'starttls'))).settings.smtp.passwordSet).toBe(true);
      const retyped = await putOk(admin, formWith('smtp.security', 'none', formWith('sendingEnabled', false)));
      expect(retyped.settings.smtp).toMatchObject({ security: 'none', passwordSet: true });
    });

    it('audits every save with the changed fields, never the password', async () => {
      await putOk(admin, validForm());
      await putOk(admin, formWith('smtp.port', 2525, formWith('smtp.password', 'Another-S3cret!')));
      const response = await admin.request('GET', '/api/audit?action=settings.mail.update');
      expect(response.body).not.toContain(PASSWORD);
      expect(response.body).not.toContain('Another-S3cret!');
      const [latest, first] = response.json().entries;
      expect(latest.actor).toBe('admin');
      expect(latest.details.changes['smtp.port']).toEqual({ before: 587, after: 2525 });
      expect(latest.details.credentials).toEqual({ smtpAuth: 'replaced' });
      expect(first.details.credentials).toEqual({ smtpAuth: 'set' });
      expect(first.details.changes['smtp.host']).toEqual({ before: null, after: 'smtp.example.jp' });
      const rows = await t.ctx.db.selectFrom('audit_log').select('details').execute();
      for (const row of rows) expect(row.details).not.toMatch(/S3cret|v1:/);
    });

    it('stores a Gmail client with its secret encrypted, and deletes it when 既定 is chosen again', async () => {
      const gmail = await putOk(admin, {
        ...validForm(),
        server: 'gmail',
        gmail: { clientId: 'client.apps.googleusercontent.com', clientSecret: 'gmail-client-secret' },
      });
      expect(gmail.settings.server).toBe('gmail');
      expect(gmail.settings.gmail).toMatchObject({ clientId: 'client.apps.googleusercontent.com', clientSecretSet: true, state: 'unauthorised' });
      expect(JSON.stringify(gmail)).not.toContain('gmail-client-secret');
      const stored = await t.ctx.db.selectFrom('mail_settings').selectAll().executeTakeFirstOrThrow();
      expect(stored.gmail_client_secret).not.toContain('gmail-client-secret');
      expect(t.ctx.secrets.decrypt(stored.gmail_client_secret!, 'mail_settings.gmail_client_secret')).toBe('gmail-client-secret');
      await t.ctx.db
        .insertInto('oauth_authorisations')
        .values({ id: 'google', state: 'authorised', account_email: 'sender@example.jp', refresh_token: 'x', access_token: 'y', updated_at: '2026-01-01T00:00:00.000Z' })
        .execute();

      const kept = await putOk(admin, { ...validForm(), server: 'gmail', gmail: { clientId: 'client.apps.googleusercontent.com' } });
      expect(kept.settings.gmail.clientSecretSet).toBe(true);

      const smtp = await putOk(admin, formWith('smtp.password', undefined));
      expect(smtp.settings.server).toBe('smtp');
      expect(smtp.settings.gmail).toMatchObject({ clientId: null, clientSecretSet: false, accountEmail: null });
      expect(smtp.settings.smtp.passwordSet).toBe(true);
      const after = await t.ctx.db.selectFrom('mail_settings').selectAll().executeTakeFirstOrThrow();
      expect(after.gmail_client_secret).toBeNull();
      expect(await t.ctx.db.selectFrom('oauth_authorisations').selectAll().execute()).toEqual([]);
      const audit = (await admin.request('GET', '/api/audit?action=settings.mail.update')).json().entries[0];
      expect(audit.details.gmailCredentialsDeleted).toBe(true);
      expect(audit.details.credentials).toEqual({ gmailClient: 'cleared' });
      expect(audit.details.changes['gmail.clientId']).toEqual({ before: 'client.apps.googleusercontent.com', after: null });
    });

    it('lets exactly one of two saves from the same loaded version win, the other gets 409', async () => {
      const { version } = await putOk(admin, validForm());
      const responses = await Promise.all(
        ['first@example.jp', 'second@example.jp'].map((to) => put(admin, { ...formWith('suspensionRecipients', to), version })),
      );
      expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 409]);
      const winner = responses.find((r) => r.statusCode === 200)!.json() as MailSettingsView;
      expect(await getView(admin)).toEqual(winner);
      expect(winner.version).toBe(version + 1);
      const audit = (await admin.request('GET', '/api/audit?action=settings.mail.update')).json().entries;
      expect(audit).toHaveLength(2);
    });

    it('keeps the sections a body omits', async () => {
      await putOk(admin, validForm());
      const { server: _server, smtp: _smtp, senderAddress: _sender, ...withoutServer } = validForm();
      const view = await putOk(admin, { ...withoutServer, suspensionRecipients: 'new@example.jp' });
      expect(view.settings).toMatchObject({ server: 'smtp', smtp: { host: 'smtp.example.jp', passwordSet: true }, senderAddress: 'sender@example.jp' });
      expect(view.settings.suspensionRecipients).toEqual(['new@example.jp']);
    });

    it('saves through the in-process service with the same rules', async () => {
      const form = mailSettingsFormSchema.parse(formWith('smtp.host', null));
      const problems = saveMailSettings(t.ctx, systemActor(), form);
      await expect(problems).rejects.toMatchObject({ status: 422, fields: [{ path: 'smtp.host', code: 'settings.required_to_send' }] });
    });

    it('seeds the dev mailbox only on a first start (SPEC §2.6)', async () => {
      expect(parseAddress(DEV_MAILBOX_SENDER).ok).toBe(true);
      expect(await seedSettingsForDevMailbox(t.ctx, 2525)).toBe(true);
      const view = await getView(admin);
      expect(view.settings).toMatchObject({
        sendingEnabled: true,
        server: 'smtp',
        smtp: { host: '127.0.0.1', port: 2525, security: 'none', authEnabled: false, passwordSet: false },
        senderAddress: DEV_MAILBOX_SENDER,
      });
      const audit = (await admin.request('GET', '/api/audit?action=settings.mail.update')).json().entries;
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actor: 'system', details: { reason: 'dev_mailbox' } });

      expect(await seedSettingsForDevMailbox(t.ctx, 2626)).toBe(false);
      expect((await getView(admin)).settings.smtp.port).toBe(2525);
    });

    it('does not seed over settings an administrator saved', async () => {
      await putOk(admin, formWith('sendingEnabled', false));
      expect(await seedSettingsForDevMailbox(t.ctx, 2525)).toBe(false);
      expect((await getView(admin)).settings.smtp.host).toBe('smtp.example.jp');
    });

    it('is for administrators only', async () => {
      const user = await createUserAndLogin(t.app, admin, { loginId: 'someone' });
      expect((await user.request('GET', '/api/settings/mail')).statusCode).toBe(403);
      expect((await put(user, validForm())).statusCode).toBe(403);
      expect((await t.app.inject({ method: 'GET', url: '/api/settings/mail' })).statusCode).toBe(401);
      expect((await t.app.inject({ method: 'PUT', url: '/api/settings/mail', payload: validForm() })).statusCode).toBe(401);
      expect((await getView(admin)).version).toBe(0);
    });
  });

  describe.skipIf(dialect.skip)('managed mode (メール自動設定機能)', () => {
    let t: TestApp;
    let admin: Client;
    const { server: _server, smtp: _smtp, senderAddress: _sender, ...managedForm } = validForm();

    beforeAll(async () => {
      t = await createTestApp(dialect, {
        env: { TAYORI_MANAGED_SMTP_URL: 'smtp://127.0.0.1:2599', TAYORI_MANAGED_FROM: 'relay@example.jp' },
      });
      admin = await login(t.app);
    });
    afterAll(async () => {
      await t?.close();
    });

    it('shows the mode, the managed sender read-only and no server fields', async () => {
      const view = await getView(admin);
      expect(view.mode).toBe('managed');
      expect(view.managedSenderAddress).toBe('relay@example.jp');
      expect(view.visibleFields).toEqual(expect.arrayContaining(['sendingEnabled', 'suspensionRecipients', 'monitoring.intervalMinutes']));
      for (const field of view.visibleFields) expect(field).not.toMatch(/^(server|smtp|gmail|senderAddress)(\.|$)/);
    });

    it('saves everything else without a server section', async () => {
      const view = await putOk(admin, managedForm);
      expect(view.settings.sendingEnabled).toBe(true);
      expect(view.settings.suspensionRecipients).toEqual(['ops@example.jp']);
    });

    it.each([
      ['server', 'smtp'],
      ['smtp', { host: 'smtp.example.jp' }],
      ['senderAddress', 'sender@example.jp'],
      ['gmail', { clientId: 'client' }],
    ])('refuses %s', async (field, value) => {
      const before = await getView(admin);
      const response = await put(admin, { ...managedForm, [field]: value });
      expect(response.statusCode).toBe(422);
      expect(response.json().error.fields).toEqual([
        { path: field, code: 'settings.managed_field', message: 'メール自動設定機能の利用中は、この項目は設定できません。' },
      ]);
      expect(await getView(admin)).toEqual(before);
    });

    it('lists a server field together with the other problems', async () => {
      const response = await put(admin, { ...managedForm, smtp: { port: 0 }, senderAddress: '', monitoring: { ...managedForm.monitoring, intervalMinutes: 7 } });
      expect(response.json().error.fields.map((f: { path: string; code: string }) => `${f.path} ${f.code}`)).toEqual([
        'monitoring.intervalMinutes settings.interval_step',
        'smtp settings.managed_field',
        'senderAddress settings.managed_field',
      ]);
    });
  });
});
