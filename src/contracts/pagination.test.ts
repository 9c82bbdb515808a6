import { describe, expect, it } from 'vitest';
import { encodeCursor, pageQuerySchema } from './pagination.js';

const cursor = { at: '2026-04-01T09:30:00.000Z', id: '01a21afde7290000bee6f83d87' };

describe('page cursors', () => {
  it('are written as earlier releases wrote them with Node Buffer, so a client paging across an upgrade keeps its place', () => {
    expect(encodeCursor(cursor)).toBe(Buffer.from(JSON.stringify([cursor.at, cursor.id])).toString('base64url'));
  });

  it('are read back into the row they name', () => {
    expect(pageQuerySchema.parse({ cursor: encodeCursor(cursor) })).toEqual({ limit: 50, cursor });
    expect(pageQuerySchema.parse({ cursor: '' })).toEqual({ limit: 50, cursor: undefined });
  });

  it.each(['-1', '%%%', 'bm90LWpzb24', btoa('["2026-04-01T09:30:00.000Z","a/b"]')])('refuses %s, not one this API handed out', (value) => {
    const result = pageQuerySchema.safeParse({ cursor: value });
    expect(result.success ? [] : result.error.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([['cursor', 'validation.cursor']]);
  });
});
