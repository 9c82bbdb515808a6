import { fetchMessages, japanese, SCREEN_PART } from 'virtual:screen-messages';
import type { Locale, MessageKey } from '../../../i18n/index';

/**
 * The screen's messages (src/i18n's catalogs cut at build time to the keys the screen names,
 * tools/screen-messages.ts), gathered per language as their parts arrive: `screen`, which every
 * page uses (Japanese comes with the screen), and one part per lazily loaded page, fetched with
 * that page in the reader's language.
 */

export type ScreenMessages = Readonly<Partial<Record<MessageKey, string>>>;

interface Language {
  messages: Partial<Record<MessageKey, string>>;
  /** Parts asked for, by name; a part is in `messages` once its promise has settled well. */
  parts: Map<string, Promise<void>>;
  loaded: Set<string>;
}

const languages: Record<Locale, Language> = {
  ja: { messages: { ...japanese }, parts: new Map([[SCREEN_PART, Promise.resolve()]]), loaded: new Set([SCREEN_PART]) },
  en: { messages: {}, parts: new Map(), loaded: new Set() },
};

/** A language's messages so far (the parts loaded): read as they grow. */
export function messagesOf(locale: Locale): ScreenMessages {
  return languages[locale].messages;
}

export function hasPart(locale: Locale, part: string): boolean {
  return languages[locale].loaded.has(part);
}

/** Fetches a part of a language once; a failed fetch (the network, a newer build deployed) is tried again next time. */
export function loadPart(locale: Locale, part: string): Promise<void> {
  const language = languages[locale];
  let pending = language.parts.get(part);
  if (!pending) {
    pending = fetchMessages(locale, part).then((messages) => {
      Object.assign(language.messages, messages);
      language.loaded.add(part);
    });
    pending.catch(() => language.parts.delete(part));
    language.parts.set(part, pending);
  }
  return pending;
}

/** Whether a language can be shown: its messages of every page are here. */
export function hasLanguage(locale: Locale): boolean {
  return hasPart(locale, SCREEN_PART);
}

/** Before the screen changes language: every part it has in any language, in that one. */
export function loadLanguage(locale: Locale): Promise<void> {
  const parts = new Set([SCREEN_PART, ...Object.values(languages).flatMap((language) => [...language.loaded])]);
  return Promise.all([...parts].map((part) => loadPart(locale, part))).then(() => undefined);
}
