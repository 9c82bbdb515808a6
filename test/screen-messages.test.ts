import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isMessageKey } from '../src/i18n/index.js';
import { ja } from '../src/i18n/ja.js';
import { keysNamedIn, lazyFoldersIn, screenParts } from '../tools/screen-messages.js';

/**
 * The screen's messages are the catalogs cut to what the screen's sources name
 * (tools/screen-messages.ts). The browser tests show every page with them and fail on a
 * message the build left out; these check the cut itself.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const KEYS = Object.keys(ja);

function sources(directory: string): { file: string; text: string }[] {
  return readdirSync(join(ROOT, directory), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts'))
    .map((entry) => ({ file: join(entry.parentPath, entry.name), text: readFileSync(join(entry.parentPath, entry.name), 'utf8') }));
}

describe('the screen’s messages', () => {
  it('are the keys named whole or by a template literal’s fixed start', () => {
    const named = keysNamedIn(
      ["t('mailsettings.title')", 'label: "nav.users"', 't(`deliveries.state.${state}`)', "'not.a.key'", "import './x.js'", '`http.${status}`'],
      KEYS,
    );
    expect(named.has('mailsettings.title')).toBe(true);
    expect(named.has('nav.users')).toBe(true);
    expect([...named].filter((key) => key.startsWith('deliveries.state.')).sort()).toEqual(KEYS.filter((key) => key.startsWith('deliveries.state.')).sort());
    expect(named.has('not.a.key' as never)).toBe(false);
    expect(named.size).toBe(2 + KEYS.filter((key) => key.startsWith('deliveries.state.')).length);
  });

  it('come in a part every page uses and one per lazily loaded folder, together all the screen names', () => {
    const parts = screenParts(ROOT);
    const folders = lazyFoldersIn(sources('src/web').map(({ text }) => text));
    expect(folders).toEqual(expect.arrayContaining(['mail-settings', 'users', 'mail-settings/components/gmail']));
    expect([...parts.keys()].sort()).toEqual(['screen', ...folders].sort());
    const screen = parts.get('screen')!;
    for (const folder of folders) expect([...parts.get(folder)!].filter((key) => screen.has(key)), folder).toEqual([]);
    // The Gmail part loads inside the settings page: it brings only what the page has not.
    const page = parts.get('mail-settings')!;
    const gmail = parts.get('mail-settings/components/gmail')!;
    expect([...gmail].filter((key) => page.has(key))).toEqual([]);
    expect(gmail).toContain('gmail.outcome.access_denied');
    expect(gmail).toContain('mailsettings.gmail.testing_warning');
    expect(page).toContain('mailsettings.smtp.password_set');

    const everyPart = new Set([...parts.values()].flatMap((keys) => [...keys]));
    const named = keysNamedIn([...sources('src/web'), ...sources('src/contracts')].map(({ text }) => text), KEYS);
    expect([...named].filter((key) => !everyPart.has(key))).toEqual([]);
    // What only the server, the CLI and the mails say stays there.
    for (const serverOnly of ['cli.', 'config.', 'alert.', 'smtp.test_mail.', 'monitoring.digest.', 'lockout.mail.']) {
      expect([...everyPart].filter((key) => key.startsWith(serverOnly)), serverOnly).toEqual([]);
    }
  });

  it('include every message a contract gives by its key (the screen tells keys from zod’s own words by their shape)', () => {
    const given = sources('src/contracts').flatMap(({ file, text }) => [...text.matchAll(/message: '([^']+)'/g)].map(([, key]) => ({ file, key })));
    expect(given.length).toBeGreaterThan(10);
    expect(given.filter(({ key }) => !isMessageKey(key))).toEqual([]);
  });
});
