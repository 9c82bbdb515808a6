import { useCallback } from 'react';
import { fillIn, type Locale, type MessageKey, type MessageParams } from '../../../i18n/index';
import { useI18n } from './i18n';

/** A page's own catalog, made with defineMessages (src/i18n/catalogs/<page>-screen.ts). */
export interface PageCatalog<K extends string> {
  ja: Record<K, string>;
  en: Record<K, string>;
}

export type PageTranslate<K extends string> = (key: K | MessageKey, params?: MessageParams) => string;

/**
 * Messages only one page shows come with that page's code instead of with the first paint of
 * every page (the shared catalog, src/i18n/ja.ts and en.ts, loads before any page): the page
 * imports its catalog and reads it through this, with the shared catalog's keys beside it.
 */
export function usePageMessages<K extends string>(catalog: PageCatalog<K>): PageTranslate<K> {
  const { locale, t } = useI18n();
  return useCallback<PageTranslate<K>>(
    (key, params) => (isPageKey(catalog, locale, key) ? fillIn(catalog[locale][key], params) : t(key as MessageKey, params)),
    [catalog, locale, t],
  );
}

function isPageKey<K extends string>(catalog: PageCatalog<K>, locale: Locale, key: string): key is K {
  return Object.hasOwn(catalog[locale], key);
}
