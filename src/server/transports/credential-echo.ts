import type { SmtpAuth } from './delivery-target.js';

export const CREDENTIAL_MASK = '********';

/** Shorter than this, a password as typed would be found inside the ordinary words of a reply. */
const SHORTEST_MASKED_AS_TYPED = 3;

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/**
 * A password as typed and as AUTH LOGIN and AUTH PLAIN put it on the wire (base64, PLAIN with the
 * user name): the forms a server that quotes the command it refuses sends back. XOAUTH2 carries
 * no password here; its token is masked where it is sent (xoauth2.ts).
 */
export function credentialForms(auth: SmtpAuth | null): string[] {
  if (!auth || auth.method === 'XOAUTH2' || auth.pass === '') return [];
  const encoded = [base64(`\0${auth.user}\0${auth.pass}`), base64(auth.pass)];
  return auth.pass.length < SHORTEST_MASKED_AS_TYPED ? encoded : [...encoded, auth.pass];
}

/**
 * A server's words with every form of the credentials masked. `535 Invalid for smtpuser
 * S3cr3t` reached the log, the delivery log, /api/health and the alert mail to the suspension
 * recipients as it came.
 */
export function withoutCredentials(text: string, forms: readonly string[]): string {
  return forms.reduce((masked, form) => masked.replaceAll(form, CREDENTIAL_MASK), text);
}
