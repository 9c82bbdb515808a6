/**
 * Text that comes from outside and is shown to people: a worker's error output, an SMTP server's
 * reply. It is kept, not refused (refusing it would lose a report or a reason), but cleaned of
 * what would act on the reader's screen or terminal instead of being read.
 */

/** Control characters other than tab and line breaks (an error text may span lines). */
// eslint-disable-next-line no-control-regex
const CONTROL_EXCEPT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** Colour and cursor sequences of terminal output: noise in a mail, and they act on a terminal. */
// eslint-disable-next-line no-control-regex
const TERMINAL_SEQUENCES = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

/**
 * Characters that turn the direction of the text around them (embeddings, overrides, isolates):
 * quoted in the product's own sentence, U+202E reversed the rest of it.
 */
export const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/;
const BIDI_CONTROLS_ALL = new RegExp(BIDI_CONTROLS, 'g');

/**
 * Line breaks as LF (a lone CR would start a line of its own in a mail), and no control
 * characters but tab, terminal sequences or direction controls.
 */
export function cleanForeignText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(TERMINAL_SEQUENCES, '')
    .replace(CONTROL_EXCEPT_LINE_BREAKS, '')
    .replace(BIDI_CONTROLS_ALL, '');
}

/** At most `max` characters of a long text: its first line (200 at most) and its end. */
export function headAndTail(text: string, max: number): string {
  const characters = Array.from(text.trimEnd());
  if (characters.length <= max) return characters.join('');
  const head = Array.from(text.split('\n', 1)[0] ?? '').slice(0, 200);
  const tail = characters.slice(-(max - head.length - 3));
  return `${head.join('')}\n…\n${tail.join('')}`;
}
