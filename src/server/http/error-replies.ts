import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Locale, localeFromAcceptLanguage, type MessageKey, t } from '../../i18n/index.js';
import { AppError, errorBody, notFound } from '../errors.js';
import { setSecurityHeaders } from './security-headers.js';

/**
 * Every error the server sends has the app's shape (`{"error":{"code","message"}}`) and the
 * caller's language: errors of the routes, unknown routes, and the errors Fastify and Node
 * answer by themselves before any route or hook runs. 5xx details are logged, never shown.
 */
export function registerErrorReplies(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    const appError = error instanceof AppError ? error : fromFastifyError(error);
    if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.code(appError.status).send(errorBody(appError, request.locale));
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send(errorBody(notFound(), request.locale)));
}

function fromFastifyError(error: FastifyError): AppError {
  const status = error.statusCode ?? 500;
  if (status === 429) return new AppError('error.rate_limited', 429);
  if (status === 413) return new AppError('error.payload_too_large', 413);
  if (status === 415) return new AppError('error.unsupported_media_type', 415);
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') return new AppError('error.invalid_json', 400);
  if (status >= 400 && status < 500) return new AppError('error.bad_request', status);
  return new AppError('error.internal', 500);
}

/**
 * Fastify's `frameworkErrors` option: a URL that is not valid percent-encoding, or a path
 * parameter longer than any ID (which names nothing, so it is not found). Answered without
 * echoing the URL.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const appError = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? notFound() : new AppError('error.bad_request', 400);
  setSecurityHeaders(reply, request.url);
  void reply.code(appError.status).send(errorBody(appError, localeFromAcceptLanguage(request.headers['accept-language'])));
}

/**
 * Fastify's `clientErrorHandler` option: bytes that are not HTTP, a request that never finished
 * arriving, headers too large. Nothing of the request could be read, so the answer is Japanese,
 * the product's default language.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) socket.write(rawErrorResponse(...clientErrorOf(error), 'ja'));
  socket.destroy(error);
}

function clientErrorOf(error: NodeJS.ErrnoException): [number, MessageKey] {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return [408, 'error.request_timeout'];
  if (error.code === 'HPE_HEADER_OVERFLOW') return [431, 'error.headers_too_large'];
  return [400, 'error.bad_request'];
}

function rawErrorResponse(status: number, code: MessageKey, locale: Locale): string {
  const body = JSON.stringify({ error: { code, message: t(locale, code) } });
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'X-Content-Type-Options: nosniff',
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}
