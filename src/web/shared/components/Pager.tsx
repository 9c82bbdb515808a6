import { useState } from 'react';
import { useI18n } from '../i18n/i18n';

/**
 * Keyset paging (the API's `nextCursor`): the cursors of the pages seen so far, so 前のページ
 * goes back exactly where the reader came from while new rows keep arriving on top.
 */
export function useCursorPages() {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  return {
    cursor: cursors[cursors.length - 1],
    page: cursors.length,
    next: (cursor: string) => setCursors((list) => [...list, cursor]),
    previous: () => setCursors((list) => (list.length > 1 ? list.slice(0, -1) : list)),
    restart: () => setCursors([undefined]),
  };
}

export function Pager({ pages, nextCursor }: { pages: ReturnType<typeof useCursorPages>; nextCursor: string | null }) {
  const { t } = useI18n();
  if (pages.page === 1 && !nextCursor) return null;
  return (
    <nav className="pager" aria-label={t('common.page', { page: pages.page })}>
      <button type="button" className="button" disabled={pages.page === 1} onClick={pages.previous}>
        {t('common.previous_page')}
      </button>
      <span>{t('common.page', { page: pages.page })}</span>
      <button type="button" className="button" disabled={!nextCursor} onClick={() => nextCursor && pages.next(nextCursor)}>
        {t('common.next_page')}
      </button>
    </nav>
  );
}
