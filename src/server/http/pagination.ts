import type { z } from 'zod';
import { encodeCursor, type PageCursor, type pageQuerySchema } from '../../contracts/pagination.js';

export type { PageCursor };

/** One page, newest first: fetches one row more than asked, to know whether another page follows. */
export async function fetchPage<T>(
  query: z.infer<typeof pageQuerySchema>,
  fetch: (window: { limit: number; before?: PageCursor }) => Promise<T[]>,
  cursorOf: (row: T) => PageCursor,
) {
  const rows = await fetch({ limit: query.limit + 1, before: query.cursor });
  return pageOf(rows, query.limit, cursorOf);
}

function pageOf<T>(rows: T[], limit: number, cursorOf: (row: T) => PageCursor) {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { page, nextCursor: rows.length > limit && last ? encodeCursor(cursorOf(last)) : null };
}
