import type { z } from 'zod';
import type { ErrorBody } from '../contracts/errors.js';
import { type FieldProblem, problemsFromZod } from '../contracts/field-problems.js';
import { isMessageKey, type Locale, type MessageKey, type MessageParams, t } from '../i18n/index.js';

export { type FieldProblem, problemsFromZod };

/**
 * An error with a stable code that the one error handler turns into a response; the message
 * is looked up in the catalog of the caller's locale (ARCHITECTURE.md convention 6).
 */
export class AppError extends Error {
  constructor(
    readonly code: MessageKey,
    readonly status: number,
    readonly params: MessageParams = {},
    readonly fields: FieldProblem[] = [],
  ) {
    super(code);
    this.name = 'AppError';
  }
}

export const notFound = () => new AppError('error.not_found', 404);
export const forbidden = () => new AppError('error.forbidden', 403);
export const unauthenticated = () => new AppError('error.unauthenticated', 401);
/** A route called with a bearer token (service, run report): 「ログインしてください」 means nothing to a program. */
export const tokenRefused = () => new AppError('error.token_refused', 401);
export const conflict = (code: MessageKey = 'error.conflict') => new AppError(code, 409);

/**
 * Problems listed in one answer. A body of 80,000 unknown keys would otherwise be answered with
 * 80,000 problems, an answer ten times its size (found trying the API as an attacker would).
 */
export const MAX_FIELD_PROBLEMS = 100;

export function validationError(fields: FieldProblem[]): AppError {
  return new AppError('error.validation', 422, {}, fields.slice(0, MAX_FIELD_PROBLEMS));
}

export function fieldError(path: string, code: MessageKey, params?: MessageParams): AppError {
  return validationError([{ path, code, params }]);
}

/** Parses with a contract schema or throws a 422 listing every problem. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (!result.success) throw validationError(problemsFromZod(result.error));
  return result.data;
}

export function errorBody(error: AppError, locale: Locale): ErrorBody {
  const body: ErrorBody = { error: { code: error.code, message: t(locale, error.code, error.params) } };
  if (error.fields.length > 0) {
    body.error.fields = error.fields.map((f) => ({
      path: f.path,
      code: f.code,
      message: isMessageKey(f.code) ? t(locale, f.code, f.params) : f.code,
    }));
  }
  return body;
}
