import { type DependencyList, useState } from 'react';
import { useLoader } from '../api/use-loader';
import { useI18n } from '../i18n/i18n';
import { Button } from './Button';

/**
 * Keyset paging (the API's `nextCursor`): the cursors of the pages seen so far, so 前のページ
 * goes back exactly where the reader came from while new rows keep arriving on top.
 */
export function useCursorPages() {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [paged, setPaged] = useState(false);
  return {
    cursor: cursors[cursors.length - 1],
    page: cursors.length,
    /** Whether the reader has left the first page since the list was last started over. */
    paged,
    // The cursor shown until the next page has loaded is the one already followed: a second press
    // meanwhile would count a page that was never shown (「3ページ目」 over the second page's rows).
    next: (cursor: string) => {
      setPaged(true);
      setCursors((list) => (list[list.length - 1] === cursor ? list : [...list, cursor]));
    },
    previous: () => setCursors((list) => (list.length > 1 ? list.slice(0, -1) : list)),
    restart: () => {
      setPaged(false);
      setCursors([undefined]);
    },
  };
}

/**
 * A list read a page at a time under a filter: choosing a filter starts again at its first page
 * and marks the list filtered, which FilterOutcome then says to a screen reader.
 */
export function useFilteredPages<F, T>(initial: NoInfer<F>, load: (filter: F, cursor: string | undefined) => Promise<T>, deps: DependencyList = []) {
  const [filter, setFilter] = useState<F>(initial);
  const [filtered, setFiltered] = useState(false);
  const pages = useCursorPages();
  const { state, reload } = useLoader(() => load(filter, pages.cursor), [filter, pages.cursor, ...deps]);
  const choose = (next: F) => {
    setFilter(next);
    setFiltered(true);
    pages.restart();
  };
  return { filter, choose, filtered, pages, state, reload };
}

export function Pager({ pages, nextCursor }: { pages: ReturnType<typeof useCursorPages>; nextCursor: string | null }) {
  const { t } = useI18n();
  // Until the first page is back, nextCursor is the last page's (none): hiding the pager then took
  // the focus from 前のページ.
  if (pages.page === 1 && !nextCursor && !pages.paged) return null;
  return (
    <nav className="pager" aria-label={t('common.page', { page: pages.page })}>
      <Button className="button" unavailable={pages.page === 1} onClick={pages.previous}>
        {t('common.previous_page')}
      </Button>
      <span>{t('common.page', { page: pages.page })}</span>
      <Button className="button" unavailable={nextCursor === null} onClick={() => nextCursor && pages.next(nextCursor)}>
        {t('common.next_page')}
      </Button>
    </nav>
  );
}
