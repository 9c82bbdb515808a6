import { connect } from 'node:net';
import { hostname } from 'node:os';
import { Readable } from 'node:stream';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/server/config.js';
import { managedRelayTarget, type SmtpTarget } from '../src/server/transports/delivery-target.js';
import { classifySmtpError, type DeliveryFault, describeFault } from '../src/server/transports/faults.js';
import { createSmtpTransport } from '../src/server/transports/smtp-transport.js';
import type { AppContext } from '../src/server/context.js';
import { closedPort, type SmtpSink, type SmtpSinkOptions, startSilentServer, startSmtpSink } from './support/smtp-sink.js';
import { writeTestCaFile } from './support/test-ca.js';

/** Only the configuration matters to a transport; short timeouts keep the fault cases quick. */
function transportContext(env: Record<string, string> = {}): AppContext {
  const config = loadConfig({
    TAYORI_SMTP_CA_FILE: writeTestCaFile(),
    TAYORI_SMTP_CONNECT_TIMEOUT_MS: '1500',
    TAYORI_SMTP_GREETING_TIMEOUT_MS: '800',
    TAYORI_SMTP_SOCKET_TIMEOUT_MS: '3000',
    ...env,
  });
  return { config } as AppContext;
}

const ctx = transportContext();
const sinks: SmtpSink[] = [];

async function sink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const started = await startSmtpSink(options);
  sinks.push(started);
  return started;
}

afterEach(async () => {
  await Promise.all(sinks.splice(0).map((s) => s.close()));
});

function target(overrides: Partial<SmtpTarget>): SmtpTarget {
  return {
    via: 'smtp',
    host: '127.0.0.1',
    port: 25,
    security: 'none',
    auth: null,
    rejectUnauthorized: true,
    from: 'tayori@example.jp',
    ...overrides,
  };
}

const JAPANESE_MAIL = {
  from: 'tayori@example.jp',
  to: 'taro@example.jp',
  subject: '【Tayori】アカウント停止のお知らせ',
  text: '山田太郎 様\nアカウントを停止しました。',
  messageId: '<fixed-id@tayori.test>',
};

async function send(smtpTarget: SmtpTarget, mail: Record<string, unknown> = {}, context = ctx) {
  const transport = createSmtpTransport(context, smtpTarget, { pool: false });
  try {
    return await transport.sendMail({ ...JAPANESE_MAIL, ...mail });
  } finally {
    transport.close();
  }
}

async function faultOf(smtpTarget: SmtpTarget, mail: Record<string, unknown> = {}, context = ctx): Promise<DeliveryFault> {
  const error = await send(smtpTarget, mail, context).then(
    () => null,
    (e: unknown) => e,
  );
  if (error === null) throw new Error('expected the send to fail');
  return classifySmtpError(error);
}

describe('sending through a real SMTP server', () => {
  it.each([
    ['plain (なし)', { tls: 'none' }, { security: 'none' }],
    ['STARTTLS', { tls: 'starttls' }, { security: 'starttls', host: 'localhost' }],
    ['implicit TLS (SSL/TLS)', { tls: 'implicit' }, { security: 'tls', host: 'localhost' }],
  ] as const)('delivers over %s with From, Message-ID and a Japanese subject and body intact', async (_name, sinkOptions, targetOptions) => {
    const server = await sink(sinkOptions);
    await send(target({ port: server.port, ...targetOptions }));
    const [mail] = await server.waitForMessages(1);
    expect(mail.from).toBe('tayori@example.jp');
    expect(mail.messageId).toBe('<fixed-id@tayori.test>');
    expect(mail.subject).toBe('【Tayori】アカウント停止のお知らせ');
    expect(mail.text).toContain('山田太郎 様');
    expect(mail.envelope).toEqual({ from: 'tayori@example.jp', to: ['taro@example.jp'] });
  });

  /** Sends over a plain connection whose writes are recorded; answers what followed the DATA command. */
  async function writesAfterData(mail: Record<string, unknown>): Promise<string[]> {
    const server = await sink({ tls: 'none' });
    const transport = createSmtpTransport(ctx, target({ port: server.port }), { pool: false });
    const writes: string[] = [];
    (transport.transporter as SMTPTransport).getSocket = (_options, callback) => {
      const socket = connect(server.port, '127.0.0.1', () => callback(null, { connection: socket }));
      const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
      socket.write = ((chunk: unknown, ...rest: unknown[]) => {
        writes.push(String(chunk));
        return write(chunk, ...rest);
      }) as typeof socket.write;
    };
    try {
      await transport.sendMail({ ...JAPANESE_MAIL, ...mail });
    } finally {
      transport.close();
    }
    await server.waitForMessages(1);
    return writes.slice(writes.findIndex((written) => written.startsWith('DATA')) + 1);
  }

  it('hands the server a message with HTML and an attachment in one write, and then the final dot', async () => {
    const attachment = { filename: '納品書.pdf', contentType: 'application/pdf', content: Buffer.alloc(20_000, 7) };
    const [message, ...rest] = await writesAfterData({ html: '<p>山田太郎 様</p>', attachments: [attachment] });
    expect(rest).toEqual(['.\r\n']);
    expect(message).toMatch(/^Message-ID: <fixed-id@tayori\.test>\r$/m);
    expect(message).toContain('Content-Type: text/html');
    expect(message).toContain(Buffer.alloc(57, 7).toString('base64')); // a full line of the attachment
    expect(message).toMatch(/--\r\n$/); // the closing MIME boundary
  });

  it('holds back no more than about 64 KiB of a streamed attachment before writing', async () => {
    const piece = 64 * 1024;
    const kilobytes = Array.from({ length: 300 }, () => Buffer.alloc(1_000, 7));
    const writes = await writesAfterData({ attachments: [{ filename: 'data.bin', content: Readable.from(kilobytes) }] });
    const pieces = writes.slice(0, -1);
    expect(pieces.join('').length).toBeGreaterThan(400_000);
    expect(pieces.length).toBeGreaterThan(400_000 / (piece + 4_000));
    for (const written of pieces.slice(0, -1)) {
      expect(written.length).toBeGreaterThanOrEqual(piece);
      expect(written.length).toBeLessThan(piece + 4_000);
    }
    expect(writes.at(-1)).toBe('.\r\n');
  });

  it('fails the send when a part of the message cannot be read, instead of waiting for it', async () => {
    const server = await sink({ tls: 'none' });
    const unreadable = new Readable({
      read() {
        this.destroy(new Error('読み込めません'));
      },
    });
    await expect(send(target({ port: server.port }), { attachments: [{ filename: 'a.bin', content: unreadable }] })).rejects.toThrow('読み込めません');
    expect(server.messages).toHaveLength(0);
  });

  it('never upgrades a plain (なし) connection, even when the server offers STARTTLS', async () => {
    const server = await sink({ tls: 'starttls', certificate: 'untrusted' });
    await send(target({ port: server.port, security: 'none' }));
    expect(server.messages).toHaveLength(1); // an upgrade would have failed on the untrusted certificate
  });

  it.each(['PLAIN', 'LOGIN'] as const)('authenticates with AUTH %s', async (method) => {
    const server = await sink({ tls: 'starttls', auth: { user: 'mailer', password: 'パス word', methods: [method] } });
    await send(target({ port: server.port, security: 'starttls', host: 'localhost', auth: { user: 'mailer', pass: 'パス word' } }));
    expect(server.authAttempts).toEqual([{ method, username: 'mailer', password: 'パス word', accepted: true }]);
    expect(server.messages).toHaveLength(1);
  });

  it('greets with the public URL’s host name, not a loopback address literal, when the machine’s name is short', async () => {
    const server = await sink({ tls: 'none' });
    await send(target({ port: server.port }), {}, transportContext({ TAYORI_PUBLIC_URL: 'https://crm.example.jp/tayori' }));
    const [mail] = await server.waitForMessages(1);
    expect(mail.greetedAs).toBe(hostname().includes('.') ? hostname() : 'crm.example.jp');
  });

  it('sends internationalised recipient domains as punycode to a server without SMTPUTF8', async () => {
    const server = await sink({ tls: 'none', smtpUtf8: false });
    await send(target({ port: server.port }), { to: 'hanako@例え.jp' });
    const [mail] = await server.waitForMessages(1);
    expect(mail.raw.toString()).toMatch(/^To: hanako@xn--r8jz45g\.jp\r?$/m);
    expect(mail.envelope.to).toEqual(['hanako@例え.jp']); // smtp-server shows the punycode it received in Unicode
  });

  it('trusts a certificate through TAYORI_SMTP_CA_FILE and the system CAs together', async () => {
    const server = await sink({ tls: 'implicit' });
    await send(target({ port: server.port, security: 'tls', host: 'localhost' }));
    expect(server.messages).toHaveLength(1);
    const { trustedCertificates } = await import('../src/server/transports/tls-trust.js');
    const { rootCertificates } = await import('node:tls');
    expect(trustedCertificates(ctx.config.smtpCaFile)).toHaveLength(rootCertificates.length + 1);
  });

  it('accepts an untrusted certificate only with [証明書を検証しない]', async () => {
    const server = await sink({ tls: 'implicit', certificate: 'untrusted' });
    expect(await faultOf(target({ port: server.port, security: 'tls' }))).toMatchObject({
      scope: 'transport',
      code: 'smtp.certificate_untrusted',
    });
    await send(target({ port: server.port, security: 'tls', rejectUnauthorized: false }));
    expect(server.messages).toHaveLength(1);
  });

  it('does not trust the test CA without TAYORI_SMTP_CA_FILE', async () => {
    const server = await sink({ tls: 'starttls' });
    const withoutCaFile = transportContext({ TAYORI_SMTP_CA_FILE: '' });
    const fault = await faultOf(target({ port: server.port, security: 'starttls', host: 'localhost' }), {}, withoutCaFile);
    expect(fault.code).toBe('smtp.certificate_untrusted');
  });
});

describe('transport-wide faults', () => {
  it('connection refused on a closed port', async () => {
    const fault = await faultOf(target({ port: await closedPort() }));
    expect(fault).toEqual({ scope: 'transport', code: 'smtp.refused' });
    expect(describeFault('ja', fault)).toContain('接続を拒否されました');
    expect(describeFault('en', fault)).toContain('refused the connection');
  });

  it('a host name that does not resolve', async () => {
    const fault = await faultOf(target({ host: 'no-such-host.invalid' }));
    expect(fault).toEqual({ scope: 'transport', code: 'smtp.dns' });
    expect(describeFault('ja', fault)).toContain('DNS');
  });

  it('a server that never greets', async () => {
    const silent = await startSilentServer();
    try {
      const fault = await faultOf(target({ port: silent.port }));
      expect(fault).toEqual({ scope: 'transport', code: 'smtp.timeout_greeting' });
      expect(describeFault('ja', fault)).toContain('SSL/TLS');
    } finally {
      await silent.close();
    }
  });

  it('SSL/TLS chosen against a server that speaks plain text', async () => {
    const server = await sink({ tls: 'none' });
    const fault = await faultOf(target({ port: server.port, security: 'tls' }));
    expect(fault).toEqual({ scope: 'transport', code: 'smtp.tls_mismatch' });
    expect(describeFault('en', fault)).toContain('speaks plain text or STARTTLS');
  });

  // Before, both read "the server on this port speaks plain text or STARTTLS: check the port", which is not it.
  it.for([
    { security: 'starttls' as const, tls: 'starttls' as const },
    { security: 'tls' as const, tls: 'implicit' as const },
  ])('$security to an old server that speaks only TLS 1.0 and 1.1: says the server’s encryption is too old', async ({ security, tls }) => {
    const server = await sink({ tls, tlsLimits: 'old-versions' });
    const fault = await faultOf(target({ port: server.port, security }));
    expect(fault).toEqual({ scope: 'transport', code: 'smtp.tls_too_weak' });
    expect(describeFault('ja', fault)).toContain('TLS 1.2以上');
    expect(server.messages).toEqual([]);
  });

  it('STARTTLS to a server with no cipher in common: the TLS settings, not the port', async () => {
    const server = await sink({ tls: 'starttls', tlsLimits: 'no-common-cipher' });
    const fault = await faultOf(target({ port: server.port, security: 'starttls' }));
    expect(fault).toEqual({ scope: 'transport', code: 'smtp.tls_failed' });
    expect(describeFault('en', fault)).toContain('server TLS settings');
  });

  it('STARTTLS required but not offered', async () => {
    const server = await sink({ tls: 'none' });
    const fault = await faultOf(target({ port: server.port, security: 'starttls' }));
    expect(fault).toMatchObject({ scope: 'transport', code: 'smtp.starttls_unavailable' });
    expect(server.messages).toHaveLength(0);
  });

  it('authentication rejected, with the reply quoted', async () => {
    const server = await sink({ tls: 'starttls', auth: { user: 'mailer', password: 'right' } });
    const fault = await faultOf(target({ port: server.port, security: 'starttls', host: 'localhost', auth: { user: 'mailer', pass: 'wrong' } }));
    expect(fault).toMatchObject({ scope: 'transport', code: 'smtp.auth_rejected', reply: '535 5.7.8 Authentication credentials invalid' });
    expect(describeFault('ja', fault)).toBe(
      'SMTPサーバに認証を拒否されました(サーバーの応答: 535 5.7.8 Authentication credentials invalid)。[認証ユーザ名]と[認証パスワード]を確認してください。',
    );
  });

  it('authentication configured but not offered on the connection: the encryption type, not the password', async () => {
    const server = await sink({ tls: 'none' });
    const fault = await faultOf(target({ port: server.port, auth: { user: 'mailer', pass: 'any' } }));
    expect(fault).toMatchObject({ scope: 'transport', code: 'smtp.auth_not_offered', reply: '500 Error: command not recognized' });
    expect(describeFault('ja', fault)).toContain('[使用する暗号化接続の種類]で「STARTTLS」か「SSL/TLS」を選んでください');
    expect(server.messages).toHaveLength(0);
  });

  it('authentication required but not configured', async () => {
    const server = await sink({ tls: 'none', auth: { user: 'mailer', password: 'right' } });
    expect(await faultOf(target({ port: server.port }))).toMatchObject({ scope: 'transport', code: 'smtp.auth_required' });
  });

  it('421 at the greeting and at MAIL FROM', async () => {
    const server = await sink({ tls: 'none' });
    server.replyOnConnect('421 4.3.2 Too busy, try later');
    expect(await faultOf(target({ port: server.port }))).toEqual({
      scope: 'transport',
      code: 'smtp.server_closing',
      reply: '421 4.3.2 Too busy, try later',
      params: { reply: '421 4.3.2 Too busy, try later' },
    });
    server.replyOnConnect(null);
    server.failNext(1, 'mail', '421 4.7.0 Closing connection');
    expect(await faultOf(target({ port: server.port }))).toMatchObject({ scope: 'transport', code: 'smtp.server_closing' });
  });

  it('a quota reply, even as a 5xx to DATA', async () => {
    const server = await sink({ tls: 'none' });
    server.failNext(1, 'data', '550 5.4.5 Daily user sending quota exceeded');
    expect(await faultOf(target({ port: server.port }))).toMatchObject({ scope: 'transport', code: 'smtp.quota' });
    server.failNext(1, 'rcpt', '451 4.7.1 Rate limit exceeded, slow down');
    expect(await faultOf(target({ port: server.port }))).toMatchObject({ scope: 'transport', code: 'smtp.quota' });
  });
});

describe('per-mail faults', () => {
  it('451 to RCPT is transient', async () => {
    const server = await sink({ tls: 'none' });
    server.failNext(1, 'rcpt', '451 4.3.0 Try again later');
    const fault = await faultOf(target({ port: server.port }));
    expect(fault).toMatchObject({ scope: 'transient', code: 'smtp.recipient_deferred', reply: '451 4.3.0 Try again later' });
    await send(target({ port: server.port }));
    expect(server.messages).toHaveLength(1);
  });

  it('550 5.1.1 to RCPT is permanent, with the reply in the message', async () => {
    const server = await sink({ tls: 'none' });
    server.rejectRecipient('gone@example.jp', '550 5.1.1 User unknown');
    const fault = await faultOf(target({ port: server.port }), { to: 'gone@example.jp' });
    expect(fault).toMatchObject({ scope: 'permanent', code: 'smtp.recipient_rejected' });
    expect(describeFault('en', fault)).toBe('The SMTP server rejected the recipient (server reply: 550 5.1.1 User unknown). Check the recipient address.');
  });

  it('a rejected recipient among accepted ones is reported per recipient', async () => {
    const server = await sink({ tls: 'none' });
    server.rejectRecipient('gone@example.jp', '550 5.1.1 User unknown');
    const info = await send(target({ port: server.port }), { to: ['gone@example.jp', 'taro@example.jp'] });
    expect(info.rejected).toEqual(['gone@example.jp']);
    const rejectedErrors = (info as unknown as { rejectedErrors: unknown[] }).rejectedErrors;
    expect(classifySmtpError(rejectedErrors[0])).toMatchObject({ scope: 'permanent', code: 'smtp.recipient_rejected' });
  });

  it('451 after DATA is transient', async () => {
    const server = await sink({ tls: 'none' });
    server.failNext(1, 'data', '451 4.3.0 Queue full');
    expect(await faultOf(target({ port: server.port }))).toMatchObject({ scope: 'transient', code: 'smtp.message_deferred' });
  });

  it('a connection dropped mid-DATA is transient', async () => {
    const server = await sink({ tls: 'none' });
    server.dropNextMessages(1);
    expect(await faultOf(target({ port: server.port }), { text: 'x'.repeat(200_000) })).toEqual({
      scope: 'transient',
      code: 'smtp.connection_dropped',
    });
    await send(target({ port: server.port }));
    expect(server.messages).toHaveLength(1);
  });
});

describe('the managed relay URL', () => {
  it.each([
    ['smtps://relay.example.net', { host: 'relay.example.net', port: 465, security: 'tls', auth: null }],
    ['smtp://relay.example.net:2525', { port: 2525, security: 'none' }],
    ['smtp://u%40x:p%3Ass@relay.example.net?starttls=required', { port: 587, security: 'starttls', auth: { user: 'u@x', pass: 'p:ss' } }],
  ] as const)('%s', (url, expected) => {
    expect(managedRelayTarget({ url, from: 'noreply@relay.example.net' })).toMatchObject({
      via: 'managed',
      from: 'noreply@relay.example.net',
      rejectUnauthorized: true,
      ...expected,
    });
  });
});

describe('classifying errors without a server', () => {
  it("treats the recipient's full mailbox as that mail's problem, not a sending quota", () => {
    const fault = classifySmtpError(Object.assign(new Error('x'), { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 452, response: '452 4.2.2 Mailbox quota exceeded' }));
    expect(fault).toMatchObject({ scope: 'transient', code: 'smtp.recipient_deferred' });
  });

  it('treats a relay refusal as configuration, not the recipient', () => {
    const relay = classifySmtpError(Object.assign(new Error('x'), { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 554, response: '554 5.7.1 Relay access denied' }));
    expect(relay).toMatchObject({ scope: 'transport', code: 'smtp.relay_denied' });
  });

  it('reports anything unknown as transport-wide with its first line', () => {
    expect(classifySmtpError(new Error('boom\nstack'))).toEqual({ scope: 'transport', code: 'smtp.unexpected', params: { detail: 'boom' } });
  });
});
