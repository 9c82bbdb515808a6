/** The screen's messages, in parts (tools/screen-messages.ts). */
declare module 'virtual:screen-messages' {
  type Messages = Readonly<Partial<Record<import('../i18n/ja').MessageKey, string>>>;
  /** The name of the part every page uses. */
  export const SCREEN_PART: string;
  /** The Japanese messages every page uses: they come with the screen. */
  export const japanese: Messages;
  /** Fetches a part: `screen` (every page's), or a lazily loaded page's folder name, in a language. */
  export function fetchMessages(locale: import('../i18n/locale').Locale, part: string): Promise<Messages>;
}
