import type { z } from 'zod';
import type { MessageKey, MessageParams } from '../i18n/index.js';

/**
 * Zod's issues as field problems whose codes are catalog keys: the API's 422 and the screen's
 * form show the same message for the same mistake.
 */

/** A problem with one field, by its path in the request body (`smtp.port`, `recipients.2`). */
export interface FieldProblem {
  path: string;
  code: string;
  params?: MessageParams;
}

/**
 * The contracts give their messages as catalog keys (`validation.required`); zod's own messages
 * are English sentences. Told apart by their shape, so the contracts need no catalog: the
 * screen loads only the messages it shows, and whoever shows a problem looks its code up.
 */
const CATALOG_KEY = /^[a-z][\w-]*(\.[\w-]+)+$/i;

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

/**
 * What a value of the wrong type should have been: 「値の種類が正しくありません」 left a program
 * sending `"10"` for a number, or a screen user typing 25a for a port, to guess.
 */
const EXPECTED_KIND_MESSAGES: Partial<Record<string, MessageKey>> = {
  number: 'validation.expected_number',
  int: 'validation.expected_number',
  boolean: 'validation.expected_boolean',
  string: 'validation.expected_text',
  array: 'validation.expected_list',
  object: 'validation.expected_object',
};

function codeForIssue(issue: z.core.$ZodIssue): { code: MessageKey; params?: MessageParams } {
  if (CATALOG_KEY.test(issue.message)) {
    const params = issue.code === 'custom' ? (issue.params as MessageParams | undefined) : undefined;
    return { code: issue.message as MessageKey, params };
  }
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return { code: 'validation.required' };
      return { code: EXPECTED_KIND_MESSAGES[issue.expected] ?? 'validation.invalid_type' };
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
