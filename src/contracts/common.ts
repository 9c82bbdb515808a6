import { z } from 'zod';
import { BIDI_CONTROLS } from './foreign-text.js';
import { zoneAsSpelled } from './time-zones.js';

/**
 * Text a person types on one line: no CR, LF, NUL or other control characters, C1 (U+0080–U+009F,
 * NEL among them) and the Unicode line and paragraph separators included, which mail clients
 * show as line breaks in a subject or a sender's name.
 */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** What keeps a value from being one line of text, as a message key; null when nothing does. */
export function oneLineProblem(value: string): 'validation.control_chars' | 'validation.bidi_controls' | null {
  if (CONTROL_CHARACTERS.test(value)) return 'validation.control_chars';
  return BIDI_CONTROLS.test(value) ? 'validation.bidi_controls' : null;
}

export const singleLineText = (max: number) =>
  z
    .string()
    .max(max)
    .superRefine((value, ctx) => {
      const problem = oneLineProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

export const requiredText = (max: number) =>
  z
    .string()
    .transform((value) => value.trim())
    .pipe(singleLineText(max).min(1));

/**
 * A whole number. zod's own int() refuses a fraction as the wrong type, which stops every rule
 * across fields of the form: a port of 25.5 hid that the sender was missing until it was put
 * right. As a refinement it is one problem among the others. (multipleOf(1) let 587.0000000000001
 * through, which the stored settings then refused with a 500.) Still `integer` in the OpenAPI
 * document.
 */
export const wholeNumber = () => z.number().refine(Number.isSafeInteger, { message: 'validation.not_integer' }).meta({ type: 'integer' });

export const localeSchema = z.enum(['ja', 'en']);

export const timeZoneSchema = z
  .string()
  .max(64)
  .refine(isKnownTimeZone, { message: 'validation.time_zone' })
  .transform(zoneAsSpelled);

/**
 * An IANA name (`Area/Location`) or UTC. The time-zone data also takes abbreviations and POSIX
 * names — `CST` (Chicago, not China), `IST` (India), `EST5EDT` — which read like the zone someone
 * meant and put mails' times hours off under a label that looks right.
 */
const ZONE_NAME = /^(UTC|[A-Za-z]+\/[A-Za-z0-9_+\-/]+)$/;

export function isKnownTimeZone(zone: string): boolean {
  if (!ZONE_NAME.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
