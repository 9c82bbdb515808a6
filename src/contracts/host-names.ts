import punycode from 'punycode.js';

/**
 * Host names and IP literals without Node built-ins, so the contracts run in the browser too
 * (ARCHITECTURE.md convention 12). Each function gives what its `node:net` / `node:url`
 * counterpart gives; test/host-names.test.ts compares them on a corpus of hostile input.
 */

const V4_SEGMENT = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
const V4_ADDRESS = `(?:${V4_SEGMENT}\\.){3}${V4_SEGMENT}`;
const V6_SEGMENT = '(?:[0-9a-fA-F]{1,4})';
// The expressions of Node's `net.isIPv4` / `net.isIPv6` (lib/internal/net.js), zone index included.
const IPV4 = new RegExp(`^${V4_ADDRESS}$`);
const IPV6 = new RegExp(
  '^(?:' +
    `(?:${V6_SEGMENT}:){7}(?:${V6_SEGMENT}|:)|` +
    `(?:${V6_SEGMENT}:){6}(?:${V4_ADDRESS}|:${V6_SEGMENT}|:)|` +
    `(?:${V6_SEGMENT}:){5}(?::${V4_ADDRESS}|(?::${V6_SEGMENT}){1,2}|:)|` +
    `(?:${V6_SEGMENT}:){4}(?:(?::${V6_SEGMENT}){0,1}:${V4_ADDRESS}|(?::${V6_SEGMENT}){1,3}|:)|` +
    `(?:${V6_SEGMENT}:){3}(?:(?::${V6_SEGMENT}){0,2}:${V4_ADDRESS}|(?::${V6_SEGMENT}){1,4}|:)|` +
    `(?:${V6_SEGMENT}:){2}(?:(?::${V6_SEGMENT}){0,3}:${V4_ADDRESS}|(?::${V6_SEGMENT}){1,5}|:)|` +
    `(?:${V6_SEGMENT}:){1}(?:(?::${V6_SEGMENT}){0,4}:${V4_ADDRESS}|(?::${V6_SEGMENT}){1,6}|:)|` +
    `(?::(?:(?::${V6_SEGMENT}){0,5}:${V4_ADDRESS}|(?::${V6_SEGMENT}){1,7}|:))` +
    ')(?:%[0-9a-zA-Z-.:]{1,})?$',
);

/** 4 for an IPv4 literal, 6 for IPv6, 0 otherwise (as `net.isIP`). */
export function ipVersion(value: string): 0 | 4 | 6 {
  if (IPV4.test(value)) return 4;
  if (IPV6.test(value)) return 6;
  return 0;
}

/**
 * The ASCII (punycode) form of a domain, '' when it is not a valid one (as `url.domainToASCII`).
 * Both use the WHATWG URL host parser, which browsers and Node share: Node sets the hostname of
 * a `ws:` URL, and so does this. A refused hostname leaves the URL unchanged, so two URLs that
 * start from different hosts end equal exactly when the value was accepted.
 */
export function domainToAscii(domain: string): string {
  if (isPlainAsciiDomain(domain)) return domain;
  const first = hostnameAfterSetting('a.invalid', domain);
  return first === hostnameAfterSetting('b.invalid', domain) ? first : '';
}

/**
 * Lower-case letters, digits and hyphens in non-empty labels, no punycode label and no last label
 * the URL parser reads as part of an IPv4 address: the host parser leaves such a domain as it is.
 * Nearly every address is one, and this spares it two URLs.
 */
const PLAIN_ASCII_DOMAIN = /^[a-z0-9-]+(?:\.[a-z0-9-]+)*$/;
const IPV4_NUMBER_LABEL = /(?:^|\.)(?:\d+|0x[0-9a-f]*)$/;
const isPlainAsciiDomain = (domain: string) => PLAIN_ASCII_DOMAIN.test(domain) && !domain.includes('xn--') && !IPV4_NUMBER_LABEL.test(domain);

function hostnameAfterSetting(initialHost: string, domain: string): string {
  const url = new URL(`ws://${initialHost}/`);
  url.hostname = domain;
  return url.hostname;
}

/** The Unicode form of a domain already in ASCII form (`xn--r8jz45g.jp` → `例え.jp`). */
export function asciiDomainToUnicode(asciiDomain: string): string {
  // Only a punycode label changes; nearly every domain has none.
  return asciiDomain.includes('xn--') ? punycode.toUnicode(asciiDomain) : asciiDomain;
}
