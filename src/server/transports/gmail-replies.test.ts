import { describe, expect, it } from 'vitest';
import { classifySmtpError, describeFault } from './faults.js';

/** Gmail's replies as nodemailer reports them, and what the admin reads. */
const gmail = (command: string, code: string, response: string) => Object.assign(new Error(response), { code, command, response, responseCode: Number(response.slice(0, 3)) });

describe("Gmail's errors in the messages admins read", () => {
  it.each([
    ['421 4.7.0 at connect', gmail('CONN', 'EPROTOCOL', '421 4.7.0 Try again later, closing connection. (EHLO) d9443c01a7336-2 - gsmtp'), 'transport', 'gmail.smtp_try_later', /一時的.*自動的に再送/],
    ['535 5.7.8 after the XOAUTH2 challenge', gmail('AUTH XOAUTH2', 'EAUTH', '535-5.7.8 Username and Password not accepted.\n535 5.7.8  https://support.google.com/mail/?p=BadCredentials - gsmtp'), 'transport', 'gmail.smtp_token_refused', /再認証/],
    ['550 5.7.1 to MAIL FROM', gmail('MAIL FROM', 'EENVELOPE', '550 5.7.1 Sender address rejected: not owned by user - gsmtp'), 'transport', 'gmail.smtp_policy', /送信元メールアドレス/],
    ['550 5.7.1 to RCPT TO', gmail('RCPT TO', 'EENVELOPE', '550 5.7.1 The user or domain that you are sending to has a policy that prohibited the mail - gsmtp'), 'permanent', 'gmail.smtp_policy', /ポリシー/],
  ])('%s', (_name, error, scope, code, japanese) => {
    const fault = classifySmtpError(error);
    expect(fault).toMatchObject({ scope, code, reply: error.response });
    expect(describeFault('ja', fault)).toMatch(japanese);
    expect(describeFault('ja', fault)).toContain(error.response);
    expect(describeFault('en', fault)).toMatch(/Gmail/);
  });

  it('leaves the same replies from another server in the general words', () => {
    const fault = classifySmtpError(gmail('CONN', 'EPROTOCOL', '421 4.7.0 Try again later'));
    expect(fault.code).toBe('smtp.server_closing');
  });
});
