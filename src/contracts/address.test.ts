import { describe, expect, it } from 'vitest';
import { parseAddress, parseAddressList } from './address.js';

describe('an address is delivered to what was written, or refused', () => {
  it('refuses a domain the URL host parser would cut short or decode', () => {
    for (const written of ['a@good.jp/evil', 'a@good.jp\\evil.jp', 'a@good.jp?x=1', 'a@good.jp#x', 'a@ex%61mple.jp', 'a@good.jp:25', 'a@[192.0.2.1]']) {
      expect(parseAddress(written), written).toMatchObject({ ok: false, problem: { code: 'address.domain_invalid' } });
    }
    expect(parseAddressList('ops@corp.example.jp/attacker.example; sec@ex%61mple.jp')).toMatchObject({ ok: false });
  });

  it('still takes an internationalised domain, and keeps it as written', () => {
    expect(parseAddress('info@例え.jp')).toEqual({ ok: true, address: 'info@例え.jp' });
    expect(parseAddress('Info@Example.JP')).toMatchObject({ ok: true });
  });
});

describe('what an input method left in full-width mode types', () => {
  it('is named as full-width, where it was "characters not allowed before the @" or "not an address"', () => {
    for (const typed of ['ok@x.jp；b@x.jp', 'ok@x.jp，b@x.jp', 'ｏｋ＠ｘ．ｊｐ', 'tanaka＠example.jp', 'ｔａｎａｋａ@example.jp']) {
      expect(parseAddress(typed, 'list'), typed).toMatchObject({ ok: false, problem: { code: 'address.full_width', item: typed } });
    }
    expect(parseAddressList('ops@example.jp；audit@example.jp')).toEqual({
      ok: false,
      problems: [{ code: 'address.full_width', item: 'ops@example.jp；audit@example.jp' }],
    });
  });

  it('still takes a full-width domain, which IDNA maps to the same name, and full-width spaces around an address', () => {
    expect(parseAddress('info@ｅｘａｍｐｌｅ.jp')).toEqual({ ok: true, address: 'info@example.jp' });
    expect(parseAddressList('\u3000ops@example.jp\u3000; audit@example.jp')).toEqual({ ok: true, addresses: ['ops@example.jp', 'audit@example.jp'] });
  });
});
