import { en } from './en.js';
import { fillIn, type MessageParams } from './fill-in.js';
import { ja, type MessageKey } from './ja.js';
import type { Locale } from './locale.js';

export { type Locale, localeFromAcceptLanguage } from './locale.js';
export type { MessageKey, MessageParams };

/**
 * Every message in both languages, for the server, the CLI and mail. The screen loads only the
 * messages it names, in the reader's language (src/web/shared/i18n/messages.ts).
 */
const catalogs: Record<Locale, Record<MessageKey, string>> = { ja, en };

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(ja, key);
}

/** `t('ja', 'validation.too_long', { max: 254 })` → 「254文字以内で入力してください。」 */
export function t(locale: Locale, key: MessageKey, params: MessageParams = {}): string {
  return fillIn(catalogs[locale][key], params);
}
