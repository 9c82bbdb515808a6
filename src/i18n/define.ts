/**
 * A feature's own messages, Japanese first: the English side must have exactly the Japanese
 * keys. ja.ts and en.ts spread each feature's catalog, so a feature adds its messages in its
 * own file (`catalogs/<feature>.ts`) instead of editing one long list.
 */
export function defineMessages<const J extends Record<string, string>>(ja: J, en: Record<keyof J, string>) {
  return { ja, en };
}
