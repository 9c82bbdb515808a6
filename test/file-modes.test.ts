import { chmodSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import nodemailer from 'nodemailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createContext, prepareInstallation } from '../src/server/bootstrap.js';
import { loadConfig } from '../src/server/config.js';
import type { AppContext } from '../src/server/context.js';
import { startDevMailbox } from '../src/server/dev-mailbox/dev-mailbox.server.js';
import { createLogger } from '../src/server/logger.js';
import { tempDir } from './support/databases.js';

/** Every directory and file below `root`, with its permission bits. */
function modesBelow(root: string): Record<string, string> {
  const modes: Record<string, string> = { '.': (statSync(root).mode & 0o777).toString(8) };
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    modes[path.slice(root.length + 1)] = (statSync(path).mode & 0o777).toString(8);
  }
  return modes;
}

describe('file modes of the data dir (SQLite, dev mailbox)', () => {
  let parent: string;
  let dataDir: string;
  let log: string;
  let ctx: AppContext | undefined;

  beforeEach(() => {
    parent = tempDir();
    dataDir = join(parent, 'data');
    log = '';
  });
  afterEach(async () => {
    await ctx?.database.close();
    ctx = undefined;
    rmSync(parent, { recursive: true, force: true });
  });

  async function start(extraEnv: Record<string, string> = {}) {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        log += String(chunk);
        done();
      },
    });
    const config = loadConfig({
      TAYORI_DATA_DIR: dataDir,
      TAYORI_INITIAL_ADMIN_PASSWORD: 'initial-admin-password',
      TAYORI_DEV_MAILBOX: '1',
      TAYORI_DEV_MAILBOX_PORT: '0',
      ...extraEnv,
    });
    ctx = createContext(config, { log: createLogger('warn', sink) });
    await prepareInstallation(ctx, () => {});
    return ctx;
  }

  const warningsLogged = () =>
    log
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter((line) => line.level === 40);

  it('keeps the database, its WAL, the key and the dev mailbox private: directories 0700, files 0600', async () => {
    const started = await start();
    const mailbox = await startDevMailbox(started);
    try {
      const { smtp } = JSON.parse((await started.db.selectFrom('mail_settings').select('document').executeTakeFirstOrThrow()).document);
      const transport = nodemailer.createTransport({ host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true });
      await transport.sendMail({ from: 'app@example.jp', to: 'a@example.jp', subject: '秘密', text: 'x' });
      transport.close();
    } finally {
      await mailbox?.stop();
    }

    const modes = modesBelow(dataDir);
    expect(Object.keys(modes)).toEqual(
      expect.arrayContaining(['.', 'tayori.sqlite', 'tayori.sqlite-wal', 'tayori.sqlite-shm', 'secret.key', 'dev-mailbox', 'dev-mailbox/index.jsonl']),
    );
    expect(Object.keys(modes).some((path) => path.endsWith('.eml'))).toBe(true);
    for (const [path, mode] of Object.entries(modes)) {
      const isDirectory = statSync(join(dataDir, path)).isDirectory();
      expect(mode, path).toBe(isDirectory ? '700' : '600');
    }
    expect(log).toBe('');
  });

  it('warns at start about a data dir or a file that others may read, naming each and the fix', async () => {
    await start();
    await ctx!.database.close();
    ctx = undefined;
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'tayori.sqlite'), 0o644);

    await start();
    const warnings = warningsLogged();
    expect(warnings).toHaveLength(1);
    expect(warnings[0].msg).toContain('chmod');
    // SQLite gives its -wal and -shm files the mode of the database file.
    expect(warnings[0].loose).toEqual([
      { path: dataDir, mode: '755', expected: '700' },
      { path: join(dataDir, 'tayori.sqlite'), mode: '644', expected: '600' },
      { path: join(dataDir, 'tayori.sqlite-wal'), mode: '644', expected: '600' },
      { path: join(dataDir, 'tayori.sqlite-shm'), mode: '644', expected: '600' },
    ]);
  });

  it('warns at start about a TAYORI_ variable that is no setting, with the setting it likely misspells', async () => {
    await start({ TAYORI_METRIC_PORT: '9301', TAYORI_NO_SUCH_THING_AT_ALL: '1', TAYORI_REPORT_TOKEN: 'tyrr_x' });
    const warnings = warningsLogged();
    expect(warnings).toHaveLength(1);
    expect(warnings[0].msg).toContain('TAYORI_METRIC_PORT (did you mean TAYORI_METRICS_PORT?)');
    expect(warnings[0].unknown).toEqual([{ name: 'TAYORI_METRIC_PORT', didYouMean: 'TAYORI_METRICS_PORT' }, { name: 'TAYORI_NO_SUCH_THING_AT_ALL' }]);
  });

  it('warns at start when stored secrets belong to a key it does not have: a lost secret.key is not replaced in silence', async () => {
    const first = await start();
    const token = first.secrets.encrypt('refresh-token', 'oauth_authorisations.refresh_token');
    await first.db
      .insertInto('oauth_authorisations')
      .values({ id: 'google', state: 'authorised', account_email: 'admin@example.jp', refresh_token: token, updated_at: '2026-04-01T00:00:00.000Z' })
      .execute();
    await first.database.close();
    ctx = undefined;
    expect(log).toBe('');

    rmSync(join(dataDir, 'secret.key'));
    await start();
    const warnings = warningsLogged();
    expect(warnings).toHaveLength(1);
    expect(warnings[0].msg).toContain('put back the secret.key or TAYORI_SECRET_KEY they were saved with');
    expect(warnings[0].keyIds).toEqual([token.split(':')[1]]);
  });
});
