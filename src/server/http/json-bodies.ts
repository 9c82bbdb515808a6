import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

type ParserDone = (error: Error | null, body?: unknown) => void;

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
  const parseOrSayWhy = (request: FastifyRequest, text: string, done: ParserDone) => {
    // A route that reads no body takes an empty one as none: `curl -X POST -H 'Content-Type:
    // application/json' …/heartbeat` from a hand-written worker was refused as malformed JSON.
    if (text === '' && request.routeOptions.config.bodyOptional) {
      done(null, undefined);
      return;
    }
    if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
      done(new AppError('error.json_too_deep', 400, { max: MAX_JSON_DEPTH }), undefined);
      return;
    }
    parseJson(request, text, (error, value) => {
      // Fastify's parser refuses `__proto__` and `constructor.prototype` as if the JSON were malformed.
      if (error && parsesAsPlainJson(text)) done(new AppError('error.json_forbidden_key', 400), undefined);
      else done(error, value);
    });
  };
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
    parseOrSayWhy(request, (body as Buffer).toString('utf8'), done);
  });
}

/**
 * Deeper than any body the API reads (a mail's attachments are three levels down), and far below
 * the depth at which parsing takes long: 1 MB of `[` took JSON.parse half a second on any path,
 * a 404 included, and three such requests at once held /healthz for two seconds.
 */
const MAX_JSON_DEPTH = 32;

/** Whether the JSON text opens more than `max` arrays and objects one inside another, strings skipped. */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = endOfString(text, i);
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

/** The index of the quote that closes the string opened at `start` (the text's end if none does). */
function endOfString(text: string, start: number): number {
  for (let quote = text.indexOf('"', start + 1); quote !== -1; quote = text.indexOf('"', quote + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return quote;
  }
  return text.length;
}

function parsesAsPlainJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
