import { z } from 'zod';

/** Keyset pagination over (time, id), newest first: stable while rows are being added. */
export interface PageCursor {
  at: string;
  id: string;
}

const encodeCursor = ({ at, id }: PageCursor) => Buffer.from(JSON.stringify([at, id])).toString('base64url');

function decodeCursor(cursor: string | undefined): PageCursor | undefined {
  if (!cursor) return undefined;
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return typeof at === 'string' && typeof id === 'string' ? { at, id } : undefined;
  } catch {
    return undefined;
  }
}

/** The query of every paginated list; extend it with the list's own filters. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

/** One page, newest first: fetches one row more than asked, to know whether another page follows. */
export async function fetchPage<T>(
  query: z.infer<typeof pageQuery>,
  fetch: (window: { limit: number; before?: PageCursor }) => Promise<T[]>,
  cursorOf: (row: T) => PageCursor,
) {
  const rows = await fetch({ limit: query.limit + 1, before: decodeCursor(query.cursor) });
  return pageOf(rows, query.limit, cursorOf);
}

function pageOf<T>(rows: T[], limit: number, cursorOf: (row: T) => PageCursor) {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { page, nextCursor: rows.length > limit && last ? encodeCursor(cursorOf(last)) : null };
}
