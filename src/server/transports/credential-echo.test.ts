import { describe, expect, it } from 'vitest';
import { credentialForms, withoutCredentials } from './credential-echo.js';

describe('a password quoted back by an SMTP server', () => {
  const base64 = (text: string) => Buffer.from(text).toString('base64');

  it('is masked as typed and in the base64 that AUTH LOGIN and AUTH PLAIN send', () => {
    const forms = credentialForms({ user: 'mailer', pass: 'S3cr3t' });
    const reply = `535 5.7.8 Invalid for mailer S3cr3t (${base64('S3cr3t')}, ${base64('\0mailer\0S3cr3t')})`;
    expect(withoutCredentials(reply, forms)).toBe('535 5.7.8 Invalid for mailer ******** (********, ********)');
  });

  it('of one or two characters: only its base64 forms, which cannot be mistaken for a reply’s own words', () => {
    const forms = credentialForms({ user: 'u', pass: 'ab' });
    expect(withoutCredentials(`535 about ${base64('\0u\0ab')} ${base64('ab')}`, forms)).toBe('535 about ******** ********');
  });
});
