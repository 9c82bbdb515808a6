import type { z } from 'zod';
import { isMessageKey, type Locale, type MessageKey, type MessageParams, t } from '../i18n/index.js';

/** A problem with one field, by its path in the request body (`smtp.port`, `recipients.2`). */
export interface FieldProblem {
  path: string;
  code: string;
  params?: MessageParams;
}

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
export const conflict = (code: MessageKey = 'error.conflict') => new AppError(code, 409);

export function validationError(fields: FieldProblem[]): AppError {
  return new AppError('error.validation', 422, {}, fields);
}

export function fieldError(path: string, code: MessageKey, params?: MessageParams): AppError {
  return validationError([{ path, code, params }]);
}

/** Turns zod's issues into field problems whose codes are catalog keys. */
export function problemsFromZod(error: z.ZodError): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push({ path: path ? `${path}.${key}` : key, code: 'validation.unknown_field' });
      }
      continue;
    }
    problems.push({ path, ...codeForIssue(issue) });
  }
  return problems;
}

function codeForIssue(issue: z.core.$ZodIssue): { code: MessageKey; params?: MessageParams } {
  if (isMessageKey(issue.message)) {
    const params = issue.code === 'custom' ? (issue.params as MessageParams | undefined) : undefined;
    return { code: issue.message, params };
  }
  switch (issue.code) {
    case 'invalid_type':
      return { code: issue.input === undefined ? 'validation.required' : 'validation.invalid_type' };
    case 'too_small':
      if (issue.origin === 'string') {
        return Number(issue.minimum) <= 1
          ? { code: 'validation.required' }
          : { code: 'validation.too_short', params: { min: Number(issue.minimum) } };
      }
      return { code: 'validation.too_small', params: { min: Number(issue.minimum) } };
    case 'too_big':
      return issue.origin === 'string'
        ? { code: 'validation.too_long', params: { max: Number(issue.maximum) } }
        : { code: 'validation.too_big', params: { max: Number(issue.maximum) } };
    case 'invalid_value':
      return { code: 'validation.invalid_choice' };
    case 'invalid_format':
      return { code: issue.format === 'email' ? 'validation.email' : 'validation.invalid' };
    default:
      return { code: 'validation.invalid' };
  }
}

/** Parses with a contract schema or throws a 422 listing every problem. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (!result.success) throw validationError(problemsFromZod(result.error));
  return result.data;
}

export interface ErrorBody {
  error: {
    code: string;
    message: string;
    fields?: { path: string; code: string; message: string }[];
  };
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
