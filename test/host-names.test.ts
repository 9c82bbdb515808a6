import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { isIP } from 'node:net';
import { domainToASCII, domainToUnicode } from 'node:url';
import { describe, expect, it } from 'vitest';
import { base64DecodedLength } from '../src/contracts/mail.js';
import { asciiDomainToUnicode, domainToAscii, ipVersion } from '../src/contracts/host-names.js';

/**
 * The contracts run in the browser, so they cannot use node:net / node:url. Their pure
 * replacements must answer exactly as the Node functions the server used before.
 */

const HOSTILE = [
  '', ' ', '例え.jp', 'EXAMPLE.com', 'ｅｘａｍｐｌｅ．ｊｐ', 'ex%61mple.com', 'a b.com', 'xn--r8jz45g.jp', 'xn--zz.com',
  '0x7f.1', '1.2.3', '1.2.3.4', '256.1.1.1', '01.2.3.4', 'a_b.com', '-a.com', 'a-.com', 'a..com', '.a.com', 'a.com.',
  'münchen.de', 'faß.de', '☃.net', 'a/b.com', 'a:b', 'a:25', 'a@b', 'a?b', 'a#b', 'a\\b', '[::1]', '::1', 'fe80::1%eth0',
  '2001:db8::8a2e:370:7334', '::ffff:192.0.2.1', '1::2::3', 'ab\u00adc.com', 'a\u200bb.com', 'ＡＢＣ.com', 'xn--a.com',
  'Ⅻ.jp', 'ß.com', 'a\u0000b.com', 'a\r\nb.com', 'a\tb.com', '<a>.com', 'a|b.com', 'a^b.com', 'localhost', 'LOCALHOST.',
  'x'.repeat(64) + '.com', 'x'.repeat(300), '日本語。jp', 'a\u3002b', '\u0430pple.com', 'xn--80ak6aa92e.com', '%', '%zz.com',
  '127.0.0.1', '[127.0.0.1]', '0', '4294967295', '4294967296', '١٢٣.com', 'a.b.c.d.e.f', '*.example.com', 'ex ample',
  'a.0x1f', 'a.0x', 'a.0xg', 'a.09', 'a.1e', '0x1f.com', 'ab--cd.jp', 'xn--.jp', 'a.xn--b', 'a.b-', '-', 'a.-', 'tanaka.example.jp',
];

/** A reproducible stream of odd strings: letters, digits, dots, hyphens, Unicode and punctuation. */
function* randomHosts(count: number): Generator<string> {
  const alphabet = ['a', 'Z', '0', '9', '.', '-', ':', '%', '@', '[', ']', 'é', 'ß', '例', '。', 'ｘ', 'x', 'n', '--', '_', ' ', '\u200b'];
  let seed = 20261127;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let i = 0; i < count; i += 1) {
    const length = 1 + (next() % 14);
    yield Array.from({ length }, () => alphabet[next() % alphabet.length]).join('');
  }
}

const corpus = [...HOSTILE, ...randomHosts(3000)];

describe('host names without Node built-ins', () => {
  it('domainToAscii answers as url.domainToASCII', () => {
    const differences = corpus.filter((value) => domainToAscii(value) !== domainToASCII(value));
    expect(differences.map((value) => [value, domainToAscii(value), domainToASCII(value)])).toEqual([]);
  });

  it('asciiDomainToUnicode answers as url.domainToUnicode for every domain in ASCII form', () => {
    const asciiForms = corpus.map((value) => domainToASCII(value)).filter((ascii) => ascii !== '');
    expect(asciiForms.length).toBeGreaterThan(100);
    const differences = asciiForms.filter((ascii) => asciiDomainToUnicode(ascii) !== domainToUnicode(ascii));
    expect(differences).toEqual([]);
    expect(asciiDomainToUnicode('xn--r8jz45g.jp')).toBe('例え.jp');
  });

  it('ipVersion answers as net.isIP', () => {
    const literals = ['::', '::1', '1::', 'fe80::1%eth0', '::ffff:1.2.3.4', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', '1.2.3.04'];
    const differences = [...corpus, ...literals].filter((value) => ipVersion(value) !== isIP(value));
    expect(differences).toEqual([]);
  });

  it('base64DecodedLength counts the bytes a valid base64 text decodes to, wrapped or not', () => {
    const wrapped = Buffer.alloc(1000, 7).toString('base64').replace(/.{76}/g, '$&\r\n');
    const samples = ['', 'QQ==', 'QUI=', 'QUJD', 'QUJDRA==', 'Zm9v\nYmFy', 'QUJD \n', Buffer.alloc(1000, 7).toString('base64'), wrapped];
    for (const sample of samples) expect(base64DecodedLength(sample), sample).toBe(Buffer.from(sample, 'base64').length);
  });

  it('no module of src/contracts imports a Node built-in', () => {
    const dir = new URL('../src/contracts/', import.meta.url);
    const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
    const offenders = readdirSync(dir)
      .filter((file) => file.endsWith('.ts'))
      .flatMap((file) =>
        [...readFileSync(new URL(file, dir), 'utf8').matchAll(/from\s+'([^']+)'/g)]
          .map((match) => match[1])
          .filter((specifier) => builtins.has(specifier))
          .map((specifier) => `${file}: ${specifier}`),
      );
    expect(offenders).toEqual([]);
  });
});
