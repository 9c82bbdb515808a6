import { createContext, type ReactNode, useContext, useEffect, useMemo } from 'react';
import { type Locale, localeFromAcceptLanguage, type MessageKey, type MessageParams, t } from '../../../i18n/index';
import { formatInZone } from '../../../i18n/time-format';

export type Translate = (key: MessageKey, params?: MessageParams) => string;

interface I18n {
  locale: Locale;
  t: Translate;
  /** An ISO time in the reader's time zone, with the zone named. */
  formatTime(iso: string): string;
}

const I18nContext = createContext<I18n | null>(null);

/** Before sign-in the browser's languages decide; afterwards the user's own choice. */
export function browserLocale(): Locale {
  return localeFromAcceptLanguage(navigator.languages.join(','));
}

const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

export function I18nProvider({ locale, timeZone, children }: { locale: Locale; timeZone: string | null; children: ReactNode }) {
  const value = useMemo<I18n>(() => {
    const zone = timeZone ?? browserTimeZone();
    return {
      locale,
      t: (key, params) => t(locale, key, params),
      formatTime: (iso) => formatInZone(new Date(iso), zone, locale),
    };
  }, [locale, timeZone]);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n outside I18nProvider');
  return i18n;
}

/** Every time zone the browser knows, for the time zone choices, with the current value kept even if unknown here. */
export function timeZoneChoices(current: string): string[] {
  const zones = new Set(['UTC', ...Intl.supportedValuesOf('timeZone')]);
  zones.add(current);
  return [...zones].sort();
}
