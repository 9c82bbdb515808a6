import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';

const DECLARED_CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)/i;
const UTF8_NAMES = new Set(['utf-8', 'utf8']);

/**
 * JSON bodies are read as UTF-8 and nothing else (RFC 8259). A program that sends Shift_JIS,
 * common in Japan, had its text decoded with replacement characters and its mail sent as
 * 「����」 with 202: now a body that is not UTF-8, or says it is in another charset, is refused
 * with an answer that says so. Parsing itself stays Fastify's (prototype poisoning refused,
 * a UTF-8 byte order mark skipped). JSON is the only kind of body the API reads: a text/plain
 * body went on to the schema as one string and was answered 「値の種類が正しくありません」; it is
 * now 415 with the Content-Type to use.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const charset = DECLARED_CHARSET.exec(request.headers['content-type'] ?? '')?.[1].toLowerCase();
    if (charset !== undefined && !UTF8_NAMES.has(charset)) {
      done(new AppError('error.json_charset', 415), undefined);
      return;
    }
    if (!isUtf8(body as Buffer)) {
      done(new AppError('error.body_not_utf8', 400), undefined);
      return;
    }
    parseJson(request, (body as Buffer).toString('utf8'), done);
  });
}
