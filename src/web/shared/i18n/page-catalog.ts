import { useCallback } from 'react';
import { fillParams, type Locale, type MessageParams } from '../../../i18n/index';
import { useI18n } from './i18n';

/**
 * The messages of one page that only that page shows (a catalog made with defineMessages and
 * imported by the page itself, not spread into ja.ts/en.ts): they load with the page's own code,
 * so they add nothing to what the first paint of /settings/mail loads.
 */
export function usePageCatalog<K extends string>(catalog: Record<Locale, Record<K, string>>) {
  const { locale } = useI18n();
  return useCallback((key: K, params?: MessageParams) => fillParams(catalog[locale][key], params), [catalog, locale]);
}

export type PageTranslate<K extends string> = ReturnType<typeof usePageCatalog<K>>;
