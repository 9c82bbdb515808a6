import { z } from 'zod';

/** Keyset pagination over (time, id), newest first: stable while rows are being added. */
export interface PageCursor {
  at: string;
  id: string;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ROW_ID = /^[0-9A-Za-z-]{1,64}$/;

const encodeCursor = ({ at, id }: PageCursor) => Buffer.from(JSON.stringify([at, id])).toString('base64url');

/** The cursor this API handed out, or undefined for anything else. */
function decodeCursor(cursor: string): PageCursor | undefined {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return typeof at === 'string' && typeof id === 'string' && ISO_TIME.test(at) && ROW_ID.test(id) ? { at, id } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A cursor that is not one of ours is refused rather than read as "no cursor": a paging client
 * that sent a broken one would otherwise get the first page again and loop.
 */
const cursorSchema = z.string().transform((value, ctx) => {
  if (value === '') return undefined;
  const cursor = decodeCursor(value);
  if (cursor) return cursor;
  ctx.addIssue({ code: 'custom', message: 'validation.cursor' });
  return z.NEVER;
});

/** The query of every paginated list; extend it with the list's own filters. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: cursorSchema.optional(),
});

/** One page, newest first: fetches one row more than asked, to know whether another page follows. */
export async function fetchPage<T>(
  query: z.infer<typeof pageQuery>,
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
