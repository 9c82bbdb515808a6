import { z } from 'zod';

/**
 * Keyset pagination over (time, id), newest first: stable while rows are being added. The cursor
 * is opaque to clients; it is base64url of `[at, id]`, both ASCII (an ISO time and a row ID), so
 * btoa/atob read and write it in the browser and in Node alike.
 */
export interface PageCursor {
  at: string;
  id: string;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ROW_ID = /^[0-9A-Za-z-]{1,64}$/;

export const encodeCursor = ({ at, id }: PageCursor) =>
  btoa(JSON.stringify([at, id])).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** The cursor this API handed out, or undefined for anything else. */
function decodeCursor(cursor: string): PageCursor | undefined {
  try {
    const [at, id] = JSON.parse(atob(cursor.replace(/-/g, '+').replace(/_/g, '/')));
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

/** The query of every paginated list (`?limit=&cursor=`); lists extend it with their own filters. */
export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The `nextCursor` of the page before; leave it out for the first page. */
  cursor: cursorSchema.optional(),
});
