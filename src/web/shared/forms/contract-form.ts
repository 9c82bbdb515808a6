import { toNestErrors } from '@hookform/resolvers';
import type { FieldError, FieldErrors, FieldValues, Path, Resolver, UseFormReturn } from 'react-hook-form';
import type { z } from 'zod';
import { type FieldProblem, problemsFromZod } from '../../../contracts/field-problems';
import type { MessageKey } from '../../../i18n/index';
import type { Translate } from '../i18n/i18n';

/** A problem with one field, as shown: its path in the request body and its message. */
export interface ShownProblem {
  path: string;
  message: string;
}

/** A problem the contract found, in the reader's language (its code is a catalog key, see problemsFromZod). */
export function messageOf(problem: FieldProblem, translate: Translate): string {
  return translate(problem.code as MessageKey, problem.params);
}

/**
 * Validates a form with the API's own contract: the form's values become the request body
 * they would be sent as, and zod's issues become the same catalog messages the server answers
 * with (src/contracts/field-problems.ts). The form's field names are the body's paths.
 * (@hookform/resolvers' zodResolver would show zod's own wording and lose the parameters of the
 * contracts' messages, such as the address an error names; its toNestErrors is used as is.)
 */
export function contractResolver<V extends FieldValues>(schema: z.ZodType, toBody: (values: V) => unknown, translate: Translate): Resolver<V> {
  return (values, _context, options) => {
    const result = schema.safeParse(toBody(values), { reportInput: true });
    if (result.success) return { values, errors: {} };
    const problems = problemsFromZod(result.error).map((problem) => ({ path: problem.path, message: messageOf(problem, translate) }));
    return { values: {}, errors: toNestErrors(errorsByPath(problems), options) };
  };
}

/** Flat errors by path (`smtp.host`); several problems on one field (two bad addresses) are shown together, one a line. */
function errorsByPath(problems: ShownProblem[]): FieldErrors {
  const errors: Record<string, FieldError> = {};
  for (const { path, message } of problems) {
    const key = path === '' ? 'root' : path;
    const earlier = errors[key]?.message;
    errors[key] = { type: 'contract', message: earlier ? `${earlier}\n${message}` : message };
  }
  return errors;
}

/** Moves the focus to the first field in the form (in reading order) that shows an error. */
export function focusFirstInvalid(form: HTMLFormElement | null, framesLeft = 20) {
  // The messages appear when React has rendered them: look again on the next frames until then.
  requestAnimationFrame(() => {
    const first = form?.querySelector<HTMLElement>('[data-invalid="true"]');
    if (!first) {
      if (framesLeft > 0) focusFirstInvalid(form, framesLeft - 1);
      return;
    }
    const target =
      first instanceof HTMLInputElement || first instanceof HTMLSelectElement || first instanceof HTMLTextAreaElement
        ? first
        : (first.querySelector<HTMLElement>('input:checked') ?? first.querySelector<HTMLElement>('input, select, textarea, button'));
    target?.focus();
  });
}

/** The field problems of a refused request (422), shown at their fields, the first one focused. */
export function showServerProblems<V extends FieldValues>(form: UseFormReturn<V>, fields: ShownProblem[], element: HTMLFormElement | null) {
  const byPath = new Map<string, string[]>();
  for (const { path, message } of fields) byPath.set(path, [...(byPath.get(path) ?? []), message]);
  for (const [path, messages] of byPath) {
    form.setError((path === '' ? 'root' : path) as Path<V>, { type: 'server', message: messages.join('\n') });
  }
  focusFirstInvalid(element);
}

/** Every error react-hook-form holds, flat and in field order: for the summary above a long form. */
export function flattenErrors(errors: FieldErrors, prefix = ''): ShownProblem[] {
  return Object.entries(errors).flatMap(([key, value]) => {
    if (!value || typeof value !== 'object') return [];
    const path = prefix ? `${prefix}.${key}` : key;
    const own = typeof (value as { message?: unknown }).message === 'string' ? [{ path, message: (value as { message: string }).message }] : [];
    const nested = Object.entries(value).filter(([inner]) => !['message', 'type', 'ref', 'types'].includes(inner));
    return [...own, ...flattenErrors(Object.fromEntries(nested) as FieldErrors, path)];
  });
}
