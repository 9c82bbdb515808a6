import { en } from './en.js';
import { ja, type MessageKey } from './ja.js';

export type Locale = 'ja' | 'en';
export type { MessageKey };

const catalogs: Record<Locale, Record<MessageKey, string>> = { ja, en };

export type MessageParams = Record<string, string | number>;

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(ja, key);
}

/** `t('ja', 'validation.too_long', { max: 254 })` → 「254文字以内で入力してください。」 */
export function t(locale: Locale, key: MessageKey, params: MessageParams = {}): string {
  return fillIn(catalogs[locale][key], params);
}

/** Puts the parameters into a message's `{name}` places (also for catalogs a page loads lazily); a place without a parameter stays as it is. */
export function fillIn(message: string, params: MessageParams = {}): string {
  return message.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

/** Picks ja or en from an Accept-Language header; Japanese when nothing matches. */
export function localeFromAcceptLanguage(header: string | undefined): Locale {
  if (!header) return 'ja';
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag, ...rest] = part.trim().split(';');
      const q = rest.find((p) => p.trim().startsWith('q='));
      return { tag: tag.trim().toLowerCase(), q: q ? Number(q.trim().slice(2)) || 0 : 1 };
    })
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    const base = tag.split('-')[0];
    if (base === 'ja' || base === 'en') return base;
  }
  return 'ja';
}
