import { type MessageKey, type MessageParams, t } from '../i18n/index.js';
import { consoleLocaleOf } from '../server/config.js';

/** The language of every line the command prints: LC_ALL, LC_MESSAGES or LANG (see config.ts). */
export const cliLocale = consoleLocaleOf();

export const text = (key: MessageKey, params?: MessageParams) => t(cliLocale, key, params);

/** A result, on standard output. */
export const say = (key: MessageKey, params?: MessageParams) => console.log(text(key, params));

/** A problem or a notice, on standard error, so that standard output stays the command's result. */
export const complain = (key: MessageKey, params?: MessageParams) => console.error(text(key, params));
