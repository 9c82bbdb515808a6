import { z } from 'zod';
import type { MessageKey } from '../i18n/index.js';
import { asciiDomainToUnicode, domainToAscii } from './host-names.js';

/**
 * Address lists of SPEC §1.7: one function parses and normalises every `;` field, so the
 * API, the CLI and the screen accept and refuse exactly the same things.
 */

export const MAX_ADDRESSES = 100;
const MAX_LOCAL_PART = 64;
const MAX_ADDRESS = 254;
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
// eslint-disable-next-line no-control-regex
const LINE_BREAK_OR_NUL = /[\r\n\u0000]/;
// eslint-disable-next-line no-control-regex
const OTHER_CONTROL = /[\u0001-\u001f\u007f]/;

export interface AddressProblem {
  code: MessageKey;
  item: string;
}

export type AddressResult = { ok: true; address: string } | { ok: false; problem: AddressProblem };

/**
 * One address, normalised: domain lower-cased and in Unicode form. `within` says where it was
 * typed, so that several addresses in one item are told what to do there: a field of one
 * address takes one only, a `;` list wants `;` between them.
 */
export function parseAddress(raw: string, within: 'field' | 'list' = 'field'): AddressResult {
  const item = raw.trim();
  const fail = (code: MessageKey): AddressResult => ({ ok: false, problem: { code, item: shorten(item) } });
  if (LINE_BREAK_OR_NUL.test(raw) || OTHER_CONTROL.test(raw)) return fail('address.control_chars');
  if (item === '') return fail('validation.required');
  if (typedFullWidth(item)) return fail('address.full_width');
  if (looksLikeSeveralAddresses(item)) {
    if (within === 'field') return fail('address.one_only');
    return fail(item.includes(',') ? 'address.comma' : 'address.separator');
  }
  if (/[<>"]/.test(item) || /\s/.test(item)) return fail('address.display_name');
  if (item.includes(',')) return fail('address.comma');
  if (item.includes(';')) return fail('address.one_only');
  const at = item.lastIndexOf('@');
  if (at <= 0 || at === item.length - 1) return fail('address.malformed');
  const local = item.slice(0, at);
  const domain = item.slice(at + 1);
  if (local.length > MAX_LOCAL_PART) return fail('address.local_too_long');
  if (!LOCAL_PART.test(local)) return fail('address.local_invalid');
  const asciiDomain = toAsciiDomain(domain);
  if (asciiDomain === null) return fail('address.domain_invalid');
  if (local.length + 1 + asciiDomain.length > MAX_ADDRESS || item.length > MAX_ADDRESS) return fail('address.too_long');
  return { ok: true, address: `${local}@${asciiDomainToUnicode(asciiDomain)}` };
}

/**
 * What a Japanese input method types when left in full-width mode: `＠`, `；` or `，`, or letters
 * and digits like `ｔａｎａｋａ` before the @. They were refused as characters not allowed before
 * the @, or as no address at all, which does not say what is wrong. A full-width domain is left
 * to the domain rules: IDNA maps it to the same name.
 */
function typedFullWidth(item: string): boolean {
  if (/[＠；，]/.test(item)) return true;
  const at = item.lastIndexOf('@');
  return /[\uff01-\uff5e]/.test(at < 0 ? item : item.slice(0, at));
}

/** `a@x.jp, b@y.jp`, `a@x.jp b@y.jp`, `a@x.jp; b@y.jp`: more than one @ with a separator between. */
const looksLikeSeveralAddresses = (item: string) => (item.match(/@/g)?.length ?? 0) > 1 && /[;,\s]/.test(item);

/**
 * Whether two addresses (or none) are one mailbox: domains compared in punycode, letters without
 * case (as parseAddressList drops duplicates), so a stored `a@xn--r8jz45g.jp` is `a@例え.jp`.
 */
export function sameAddress(a: string | null, b: string | null): boolean {
  const key = (address: string | null) => (address ? toAsciiAddress(address).toLowerCase() : '');
  return key(a) === key(b);
}

/** The wire form: domain in punycode, for servers without SMTPUTF8. */
export function toAsciiAddress(address: string): string {
  const at = address.lastIndexOf('@');
  return `${address.slice(0, at)}@${domainToAscii(address.slice(at + 1))}`;
}

/**
 * Characters the URL host parser behind domainToAscii reads as the end of a host or decodes
 * (`a@good.jp/evil` would become `a@good.jp`, `a@ex%61mple.jp` `a@example.jp`): an address must
 * be delivered to what was written, or refused.
 */
const ENDS_OR_ESCAPES_A_HOST = /[/\\?#%:@[\]]/;

function toAsciiDomain(domain: string): string | null {
  if (domain.length > 253 || domain.endsWith('.') || ENDS_OR_ESCAPES_A_HOST.test(domain)) return null;
  const ascii = domainToAscii(domain.toLowerCase());
  if (!ascii || ascii.length > 253) return null;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label))) return null;
  if (/^\d+$/.test(labels[labels.length - 1])) return null;
  return ascii;
}

const shorten = (item: string) => (item.length > 80 ? `${item.slice(0, 77)}…` : item).replace(/[\r\n\u0000]/g, '␤');

export type AddressListResult = { ok: true; addresses: string[] } | { ok: false; problems: AddressProblem[] };

/**
 * `a@x.jp;; b@y.jp;` → ['a@x.jp', 'b@y.jp']: items trimmed, empties skipped, duplicates dropped,
 * the first spelling kept. Two addresses that differ only in the case of the local part are one:
 * SPEC §1.7 names the domain, but every mail system of practice delivers `Sec@` and `sec@` to
 * one mailbox, and Tayori already finds a user by address so (`readersByAddress`); kept apart,
 * `sec@example.jp; SEC@example.jp` mailed the same person two copies of each notice.
 */
export function parseAddressList(input: string | readonly string[]): AddressListResult {
  const items = (typeof input === 'string' ? input.split(';') : input.flatMap((entry) => entry.split(';')))
    .map((item) => item)
    .filter((item) => item.trim() !== '' || LINE_BREAK_OR_NUL.test(item));
  const problems: AddressProblem[] = [];
  const addresses: string[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const result = parseAddress(item, 'list');
    if (!result.ok) {
      problems.push(result.problem);
      continue;
    }
    const key = toAsciiAddress(result.address).toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    addresses.push(result.address);
  }
  if (addresses.length > MAX_ADDRESSES) problems.push({ code: 'address.too_many', item: String(addresses.length) });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, addresses };
}

/** A single address field. */
export const addressSchema = z.string().max(1000).transform((value, ctx) => addressOrIssue(value, ctx));

/**
 * A person's address, which they may not have: '' and null are none. Not a union with
 * addressSchema, whose failure said only 「値が正しくありません。」 where a full-width `＠` needs
 * 「全角の文字が含まれています…」.
 */
export const optionalAddressSchema = z
  .string()
  .max(1000)
  .nullable()
  .transform((value, ctx) => (value === null || value === '' ? null : addressOrIssue(value, ctx)));

function addressOrIssue(value: string, ctx: z.RefinementCtx): string {
  const result = parseAddress(value);
  if (result.ok) return result.address;
  ctx.addIssue({ code: 'custom', message: result.problem.code, params: { item: result.problem.item } });
  return z.NEVER;
}

/** Longest `;` string, longest array and longest item of one taken before parsing them item by item. */
const MAX_LIST_CHARACTERS = 100_000;
const MAX_LIST_ITEMS = 1000;
const MAX_ITEM_CHARACTERS = 1000;

/** Whether every item of an array list is a string of a readable length; each one that is not is named. */
function itemsAreText(items: unknown[], ctx: z.RefinementCtx): boolean {
  let allText = true;
  for (const item of items) {
    if (typeof item === 'string' && item.length <= MAX_ITEM_CHARACTERS) continue;
    allText = false;
    if (typeof item === 'string') ctx.addIssue({ code: 'custom', message: 'address.too_long', params: { item: shorten(item) } });
    else ctx.addIssue({ code: 'custom', message: 'address.not_text', params: { item: shorten(JSON.stringify(item) ?? String(item)) } });
  }
  return allText;
}

/** A `;` field: a string as typed on the screen, or an array of addresses; yields the list. */
export const addressListSchema = z
  // Items of any type here, each checked below: the union's own failure said only 「値が正しくありません。」.
  .union([z.string(), z.array(z.unknown()).meta({ items: { type: 'string', maxLength: MAX_ITEM_CHARACTERS } })])
  .transform((value, ctx) => {
    // Checked here rather than by the union's branches, whose failure would only say "invalid".
    if (typeof value === 'string' && value.length > MAX_LIST_CHARACTERS) {
      ctx.addIssue({ code: 'custom', message: 'validation.too_long', params: { max: MAX_LIST_CHARACTERS } });
      return z.NEVER;
    }
    if (Array.isArray(value) && value.length > MAX_LIST_ITEMS) {
      ctx.addIssue({ code: 'custom', message: 'address.too_many', params: { item: String(value.length), max: MAX_ADDRESSES } });
      return z.NEVER;
    }
    if (Array.isArray(value) && !itemsAreText(value, ctx)) return z.NEVER;
    const result = parseAddressList(value as string[]);
    if (result.ok) return result.addresses;
    for (const problem of result.problems) {
      ctx.addIssue({
        code: 'custom',
        message: problem.code,
        params: { item: problem.item, max: MAX_ADDRESSES },
      });
    }
    return z.NEVER;
  });
