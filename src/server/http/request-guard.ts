import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

/**
 * PostgreSQL cannot store NUL (SQLite can), so a NUL that reached a query would answer 500 on
 * one database and normally on the other. No path, query string or header of this API has a
 * use for it: the request is refused before any route reads it. Bodies are checked by their
 * schemas (every text field refuses control characters).
 */
export function refuseNulCharacters(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (carriesNul(request)) throw new AppError('error.bad_request', 400);
  });
}

function carriesNul(request: FastifyRequest): boolean {
  if (/%00|\u0000/i.test(request.url)) return true;
  return Object.values(request.headers).some((value) => [value ?? []].flat().some((text) => text.includes('\u0000')));
}
