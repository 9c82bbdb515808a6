/** Keyset pagination over (time, id), newest first: stable while rows are being added. */
export interface PageCursor {
  at: string;
  id: string;
}

export const encodeCursor = ({ at, id }: PageCursor) => Buffer.from(JSON.stringify([at, id])).toString('base64url');

export function decodeCursor(cursor: string | undefined): PageCursor | undefined {
  if (!cursor) return undefined;
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return typeof at === 'string' && typeof id === 'string' ? { at, id } : undefined;
  } catch {
    return undefined;
  }
}

/** Fetch `limit + 1` rows, then call this: it cuts the page and says where the next begins. */
export function pageOf<T>(rows: T[], limit: number, cursorOf: (row: T) => PageCursor) {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { page, nextCursor: rows.length > limit && last ? encodeCursor(cursorOf(last)) : null };
}
