import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Plugin } from 'vite';
import { en } from '../src/i18n/en.js';
import { ja, type MessageKey } from '../src/i18n/ja.js';
import type { Locale } from '../src/i18n/locale.js';

/**
 * The admin screen's messages, cut from the catalogs of src/i18n (which stay the one source of
 * every text) to the keys the screen's sources name, in parts:
 *
 * - `screen`: the keys named by the code every page runs (src/web/app, src/web/shared, the
 *   features not loaded lazily, src/contracts);
 * - one part per folder loaded lazily (`lazyPart('users', …)`, src/web/shared/i18n/lazy-part.tsx):
 *   the keys only that folder under src/web/features names.
 *
 * Japanese `screen` comes with the screen; everything else is fetched when needed, in the
 * reader's language (src/web/shared/i18n/messages.ts). The CLI's, the mails' and the server's
 * own texts never reach the browser.
 */

const CATALOGS: Record<Locale, Record<MessageKey, string>> = { ja, en };
const LOCALES = Object.keys(CATALOGS) as Locale[];

const SCREEN_PART = 'screen';

/**
 * The catalog keys named in these sources: whole, as a quoted string (`'mailsettings.title'`), or
 * by the fixed start of a template literal (`` `deliveries.state.${state}` `` names every
 * `deliveries.state.…`). A key put together any other way is not found: write it whole, or so.
 */
export function keysNamedIn(sources: string[], keys: readonly string[]): Set<string> {
  const known = new Set(keys);
  const named = new Set<string>();
  for (const source of sources) {
    for (const [, , key] of source.matchAll(/(['"`])([A-Za-z][\w-]*(?:\.[\w-]+)+)\1/g)) {
      if (known.has(key)) named.add(key);
    }
    for (const [, start] of source.matchAll(/`([A-Za-z][\w-]*(?:\.[\w-]+)*\.)\$\{/g)) {
      for (const key of keys) if (key.startsWith(start)) named.add(key);
    }
  }
  return named;
}

/** The folders under src/web/features loaded lazily, by the name each `lazyPart('<folder>', …)` gives. */
export function lazyFoldersIn(sources: string[]): string[] {
  return [...new Set(sources.flatMap((source) => [...source.matchAll(/lazyPart\(\s*'([\w/-]+)'/g)].map(([, folder]) => folder)))];
}

interface Source {
  /** Its path under src/web/features, or null outside it. */
  feature: string | null;
  text: string;
}

function sourcesBelow(root: string, directory: string): Source[] {
  const features = join(root, 'src/web/features');
  return readdirSync(join(root, directory), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts'))
    .map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return { feature: path.startsWith(`${features}/`) ? relative(features, path) : null, text: readFileSync(path, 'utf8') };
    });
}

const within = (path: string, folder: string) => path.startsWith(`${folder}/`);

/**
 * Every part's keys: the screen's own, then each lazily loaded folder's, less what is already
 * there when it loads (the screen's, and an enclosing lazy folder's).
 */
export function screenParts(root: string): Map<string, Set<string>> {
  const keys = Object.keys(ja);
  const sources = [...sourcesBelow(root, 'src/web'), ...sourcesBelow(root, 'src/contracts')];
  // Outer folders first: a nested one's keys leave out its enclosing folder's.
  const folders = lazyFoldersIn(sources.map(({ text }) => text)).sort((a, b) => a.split('/').length - b.split('/').length);
  for (const folder of folders) {
    if (!existsSync(join(root, 'src/web/features', folder))) throw new Error(`lazyPart names the folder "${folder}", which src/web/features does not have`);
  }
  const partOf = ({ feature }: Source) => (feature === null ? SCREEN_PART : (folders.filter((folder) => within(feature, folder)).at(-1) ?? SCREEN_PART));
  const namedBy = (part: string) => keysNamedIn(sources.filter((source) => partOf(source) === part).map(({ text }) => text), keys);
  const parts = new Map([[SCREEN_PART, namedBy(SCREEN_PART)]]);
  for (const folder of folders) {
    const already = [SCREEN_PART, ...folders.filter((outer) => within(folder, outer))].map((part) => parts.get(part)!);
    parts.set(folder, new Set([...namedBy(folder)].filter((key) => !already.some((loaded) => loaded.has(key)))));
  }
  return parts;
}

const PREFIX = 'virtual:screen-messages';
const FULL_CATALOGS = /\/src\/i18n\/(ja|en|index)\.ts$/;

/** The module of one part in one language (its chunk is named after it: `messages-ja-users-….js`; a `/` becomes `__`). */
export const partModule = (locale: Locale, part: string) => `${PREFIX}/messages-${locale}-${part.replaceAll('/', '__')}`;

/** `virtual:screen-messages`: the Japanese screen part, and a fetch for every other part and language. */
function indexModule(parts: string[]): string {
  const fetchers = LOCALES.flatMap((locale) =>
    parts
      .filter((part) => !(locale === 'ja' && part === SCREEN_PART))
      .map((part) => `  ${JSON.stringify(`${locale}/${part}`)}: () => import(${JSON.stringify(partModule(locale, part))}),`),
  );
  return [
    `export { default as japanese } from '${partModule('ja', SCREEN_PART)}';`,
    `export const SCREEN_PART = '${SCREEN_PART}';`,
    `const parts = {\n${fetchers.join('\n')}\n};`,
    `export function fetchMessages(locale, part) {`,
    `  const fetch = parts[locale + '/' + part];`,
    `  return fetch ? fetch().then((module) => module.default) : Promise.reject(new Error('no messages ' + locale + '/' + part));`,
    `}`,
  ].join('\n');
}

/**
 * Serves the parts as virtual modules: `virtual:screen-messages` (see indexModule) and
 * partModule's. The dev server sends whole catalogs in every part
 * (it restarts when a catalog changes, but would not see a key newly named in src/web). The
 * build refuses a screen that imports the full catalogs (src/i18n/index.ts, ja.ts, en.ts) at
 * run time: every text of both languages would be back in the first paint. Types are fine.
 */
export function screenMessagesPlugin(root: string): Plugin {
  let building = true;
  let parts: Map<string, Set<string>> | undefined;
  const partsNow = () => (parts ??= screenParts(root));
  return {
    name: 'tayori-screen-messages',
    configResolved(config) {
      building = config.command === 'build';
    },
    buildStart() {
      parts = undefined;
    },
    resolveId(id) {
      return id === PREFIX || id.startsWith(`${PREFIX}/`) ? `\0${id}` : undefined;
    },
    load(id) {
      if (id === `\0${PREFIX}`) return indexModule([...partsNow().keys()]);
      const [, locale, encodedPart] = /^\0virtual:screen-messages\/messages-([a-z]{2})-([\w-]+)$/.exec(id) ?? [];
      if (!locale) return undefined;
      const part = encodedPart.replaceAll('__', '/');
      const keys = partsNow().get(part);
      const catalog = CATALOGS[locale as Locale];
      if (!catalog || !keys) return this.error(`no screen messages ${locale}/${part}`);
      const messages = building ? Object.fromEntries([...keys].map((key) => [key, catalog[key as MessageKey]])) : catalog;
      return `export default ${JSON.stringify(messages)};`;
    },
    buildEnd() {
      const full = [...this.getModuleIds()].filter((id) => FULL_CATALOGS.test(id));
      if (full.length === 0) return;
      const importers = full.flatMap((id) => this.getModuleInfo(id)?.importers ?? []);
      this.error(`the screen imports the full message catalogs (${full.join(', ')}) from ${importers.join(', ')}; use useI18n() and import only types from src/i18n`);
    },
  };
}
