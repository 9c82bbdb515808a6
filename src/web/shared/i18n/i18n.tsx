import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from 'react';
import { fillIn } from '../../../i18n/fill-in';
import type { Locale, MessageKey, MessageParams } from '../../../i18n/index';
import { localeFromAcceptLanguage } from '../../../i18n/locale';
import { formatInZone } from '../../../i18n/time-format';
import { hasLanguage, loadLanguage, messagesOf } from './messages';

export type Translate = (key: MessageKey, params?: MessageParams) => string;

export interface I18n {
  locale: Locale;
  t: Translate;
  /** Whether the screen has a message for this key (codes of other features show as recorded). */
  has(key: string): key is MessageKey;
  /** An ISO time in the reader's time zone, with the zone named. */
  formatTime(iso: string): string;
}

const I18nContext = createContext<I18n | null>(null);

/** Before sign-in the browser's languages decide; afterwards the user's own choice. */
export function browserLocale(): Locale {
  return localeFromAcceptLanguage(navigator.languages.join(','));
}

const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * The reader's language and time zone for everything below. A language is shown once the
 * messages of what is on screen have arrived in it: until then the page stays in the language
 * it was in (an English reader's very first page shows nothing for that moment, and Japanese if
 * English cannot be fetched).
 */
export function I18nProvider({ locale, timeZone, children }: { locale: Locale; timeZone: string | null; children: ReactNode }) {
  const [shown, setShown] = useState<Locale | null>(() => (hasLanguage(locale) ? locale : null));
  useEffect(() => {
    let wanted = true;
    loadLanguage(locale).then(
      () => wanted && setShown(locale),
      (error: unknown) => {
        console.error(`the ${locale} messages could not be loaded`, error);
        // Japanese is always here: better than nothing on the first page.
        if (wanted) setShown((current) => current ?? 'ja');
      },
    );
    return () => {
      wanted = false;
    };
  }, [locale]);

  const value = useMemo<I18n | null>(() => shown && i18nOf(shown, timeZone ?? browserTimeZone()), [shown, timeZone]);
  useEffect(() => {
    if (value) document.documentElement.lang = value.locale;
  }, [value]);
  if (!value) return null;
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

function i18nOf(locale: Locale, zone: string): I18n {
  const messages = messagesOf(locale);
  return {
    locale,
    t: (key, params) => {
      const text = messages[key];
      if (text !== undefined) return fillIn(text, params);
      // Named in a way the build could not see (tools/screen-messages.ts): shown as the key, and said.
      console.error(`no screen message "${key}"`);
      return key;
    },
    has: (key): key is MessageKey => Object.hasOwn(messages, key),
    formatTime: (iso) => formatInZone(new Date(iso), zone, locale),
  };
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n outside I18nProvider');
  return i18n;
}
