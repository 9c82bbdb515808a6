import { isMessageKey, type Locale, type MessageParams, t } from '../../i18n/index.js';
import type { DeliveryFault } from '../transports/faults.js';

/**
 * Errors are stored as a catalog key plus its parameters and the server's reply, so the
 * delivery log and the banner can show them in the reader's language.
 */
export interface StoredError {
  code: string;
  details: string;
}

export function storeFault(fault: DeliveryFault): StoredError {
  return { code: fault.code, details: JSON.stringify({ params: fault.params ?? {}, reply: fault.reply ?? null }) };
}

export function storeMessage(code: string, params: MessageParams = {}, reply: string | null = null): StoredError {
  return { code, details: JSON.stringify({ params, reply }) };
}

export function describeStoredError(locale: Locale, code: string | null, details: string | null) {
  if (!code) return null;
  let parsed: { params?: MessageParams; reply?: string | null } = {};
  try {
    parsed = details ? JSON.parse(details) : {};
  } catch {
    parsed = { reply: details };
  }
  return {
    code,
    message: isMessageKey(code) ? t(locale, code, inReadersWords(locale, parsed.params ?? {})) : code,
    reply: parsed.reply ?? null,
  };
}

/** A parameter that is itself a message (why a mail expired) is put in words too, from the same parameters. */
function inReadersWords(locale: Locale, params: MessageParams): MessageParams {
  const worded = Object.entries(params).map(([name, value]) => [name, typeof value === 'string' && isMessageKey(value) ? t(locale, value, params) : value]);
  return Object.fromEntries(worded);
}
