export type MessageParams = Record<string, string | number>;

/** A catalog text with its parameters put in: `{max}` → 254. A `{name}` without a parameter stays as written. */
export function fillIn(text: string, params: MessageParams = {}): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}
