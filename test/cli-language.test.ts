import { once } from 'node:events';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { consoleLocaleOf } from '../src/server/config.js';
import { runTayori } from './support/cli.js';
import { tempDir } from './support/databases.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from './support/throwaway-database.js';

/**
 * One rule for the language of the command line: LC_ALL, LC_MESSAGES or LANG (the first one
 * set) starting with `en` gives English; anything else — `ja_JP.UTF-8`, `C`, unset — Japanese,
 * the product's first language. Results, errors, notices and configuration problems alike.
 */
describe('the language rule', () => {
  it.each([
    [{}, 'ja'],
    [{ LANG: 'C.UTF-8' }, 'ja'],
    [{ LANG: 'POSIX' }, 'ja'],
    [{ LANG: 'ja_JP.UTF-8' }, 'ja'],
    [{ LANG: 'fr_FR.UTF-8' }, 'ja'],
    [{ LANG: 'en_US.UTF-8' }, 'en'],
    [{ LANG: 'ja_JP.UTF-8', LC_ALL: 'en_GB.UTF-8' }, 'en'],
    [{ LANG: 'en_US.UTF-8', LC_MESSAGES: 'ja_JP.UTF-8' }, 'ja'],
    [{ LANG: 'en_US.UTF-8', LC_ALL: '' }, 'en'],
  ])('%o speaks %s', (env, locale) => {
    expect(consoleLocaleOf(env)).toBe(locale);
  });
});

describe('the language of the tayori command (SQLite)', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = tempDir('tayori-cli-language-');
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const env = (locale: Record<string, string>) => ({
    TAYORI_DATA_DIR: dataDir,
    TAYORI_INITIAL_ADMIN_PASSWORD: 'initial-admin-password',
    TAYORI_LOG_LEVEL: 'silent',
    ...locale,
  });

  it.each([
    ['LANG unset', {}, 'ja'],
    ['LANG=en_US.UTF-8', { LANG: 'en_US.UTF-8' }, 'en'],
  ])('%s: every line in one language', async (_name, locale, language) => {
    const expected = {
      ja: {
        migrated: /^マイグレーションを適用しました: 2026/,
        created: 'tanaka を一般ユーザーとして作成しました。',
        missing: 'ログインID ghost の利用者はいません。',
        invalid: '入力内容に誤りがあります。',
        field: '  [ポート番号] (smtp.port) 1以上の値を入力してください。',
        config: 'TAYORI_PORT: 0〜65535の範囲にしてください',
        host: 'TAYORI_HOST: このマシンのホスト名かIPアドレスにしてください',
        unreachable: /^TAYORI_DATABASE_URL のPostgreSQLに接続できません\(connect ECONNREFUSED 127\.0\.0\.1:\d+\)。/,
        notWritable: /に書き込めません\(ENOTDIR\)。TAYORI_DATA_DIR/,
        directory: (path: string) => `${path} はディレクトリです。TAYORI_DATABASE_URL の sqlite: には、データベースのファイルのパスを指定してください。`,
        portTaken: (port: number, variable = 'TAYORI_PORT') =>
          `ポート${port}は、すでに別のプログラムが使っています。${variable}で別のポートを指定するか、そのプログラムを止めてください。`,
      },
      en: {
        migrated: /^Applied: 2026/,
        created: 'Created tanaka as user.',
        missing: 'No user with login ID ghost.',
        invalid: 'Some values are not valid.',
        field: '  (smtp.port) Enter a value of at least 1.',
        config: 'TAYORI_PORT: must be between 0 and 65535',
        host: 'TAYORI_HOST: must be a host name or an IP address of this machine',
        unreachable: /^The PostgreSQL server of TAYORI_DATABASE_URL cannot be reached \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)\./,
        notWritable: /cannot be written \(ENOTDIR\)\. Point TAYORI_DATA_DIR/,
        directory: (path: string) => `${path} is a directory. Give TAYORI_DATABASE_URL's sqlite: the path of the database file.`,
        portTaken: (port: number, variable = 'TAYORI_PORT') =>
          `Port ${port} is already in use by another program. Choose another port with ${variable}, or stop that program.`,
      },
    }[language as 'ja' | 'en'];

    const migrated = await runTayori(['migrate'], env(locale));
    expect(migrated.stdout.trim()).toMatch(expected.migrated);

    const created = await runTayori(['admin', 'create', '--login', 'tanaka'], env(locale), { stdin: 'tanaka-pass-123\n' });
    expect(created.stdout.trim()).toBe(expected.created);

    const tooShort = await runTayori(['admin', 'set-password', 'tanaka'], env(locale), { stdin: 'x\n' });
    expect(tooShort.code).toBe(1);
    expect(tooShort.stderr.split('\n')).toEqual([expected.invalid, expect.stringMatching(/^ {2}password: \S/), '']);

    const missing = await runTayori(['admin', 'set-password', 'ghost'], env(locale), { stdin: 'whatever-pass-1\n' });
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(expected.missing);

    const file = join(dataDir, 'bad.json');
    writeFileSync(file, JSON.stringify({ sendingEnabled: false, smtp: { port: 0 }, suspensionRecipients: '', monitoring: {} }));
    const refused = await runTayori(['settings', 'apply', file], env(locale));
    expect(refused.code).toBe(1);
    expect(refused.stderr.split('\n')[0]).toBe(expected.invalid);
    expect(refused.stderr.split('\n')).toContain(expected.field);

    const badConfig = await runTayori(['migrate'], { ...env(locale), TAYORI_PORT: '70000' });
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toContain(expected.config);
    const badHost = await runTayori(['migrate'], { ...env(locale), TAYORI_HOST: '999.1.1.1' });
    expect(badHost.code).toBe(2);
    expect(badHost.stderr).toContain(expected.host);

    // The database or the data directory failing at the first use: said with the setting to change.
    const closed = createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const closedPort = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = await runTayori(['migrate'], { ...env(locale), TAYORI_DATABASE_URL: `postgres://postgres@127.0.0.1:${closedPort}/tayori` });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr.trim()).toMatch(expected.unreachable);
    const aFile = join(dataDir, 'a-file');
    writeFileSync(aFile, '');
    const notWritable = await runTayori(['migrate'], { ...env(locale), TAYORI_DATA_DIR: join(aFile, 'data') });
    expect(notWritable.code).toBe(1);
    expect(notWritable.stderr.trim()).toMatch(expected.notWritable);
    const directory = await runTayori(['migrate'], { ...env(locale), TAYORI_DATABASE_URL: `sqlite:${dataDir}` });
    expect(directory.code).toBe(1);
    expect(directory.stderr.trim()).toBe(expected.directory(dataDir));

    const holder = createServer().listen(0, '127.0.0.1');
    await once(holder, 'listening');
    const { port } = holder.address() as { port: number };
    try {
      const clash = await runTayori(['serve'], { ...env(locale), TAYORI_PORT: String(port) });
      expect(clash.code).toBe(1);
      expect(clash.stderr.trim().split('\n').at(-1)).toBe(expected.portTaken(port));
      // The dev mailbox too: asked for and not there, it would be reported running while mail went elsewhere.
      const mailboxClash = await runTayori(['serve'], { ...env(locale), TAYORI_PORT: '0', TAYORI_DEV_MAILBOX: '1', TAYORI_DEV_MAILBOX_PORT: String(port) });
      expect(mailboxClash.code).toBe(1);
      expect(mailboxClash.stderr.trim().split('\n').at(-1)).toBe(expected.portTaken(port, 'TAYORI_DEV_MAILBOX_PORT'));
    } finally {
      holder.close();
    }
  });
});

describe('a PostgreSQL database the connecting user does not own', () => {
  const adminUrl = inject('postgresUrl');
  let owned: ThrowawayDatabase | undefined;
  const role = `tayori_not_owner_${process.pid}`;

  afterEach(async () => {
    await owned?.drop();
    await adminQuery(`drop role if exists ${role}`);
  });

  async function adminQuery(statement: string) {
    if (!adminUrl) return;
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  }

  // Before, the driver's "permission denied for schema public" named neither the setting nor the way out.
  it('stops the migration naming the database and the owner to give it', async ({ skip }) => {
    if (!adminUrl) skip('no PostgreSQL');
    owned = await createThrowawayDatabase(adminUrl!, 'tayori_not_owned');
    await adminQuery(`create role ${role} login password 'not-owner-pass'`);
    const url = new URL(owned.url);
    url.username = role;
    url.password = 'not-owner-pass';
    const dataDir = tempDir('tayori-not-owner-');
    try {
      const refused = await runTayori(['migrate'], { TAYORI_DATA_DIR: dataDir, TAYORI_DATABASE_URL: url.toString(), TAYORI_LOG_LEVEL: 'silent' });
      expect(refused.code).toBe(1);
      const name = url.pathname.slice(1);
      expect(refused.stderr.trim()).toMatch(new RegExp(`^TAYORI_DATABASE_URL のユーザーには、データベース「${name}」に表を作る権限がありません\\(.*\\)。データベースの持ち主を、Tayori が接続するユーザーにしてください`));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
