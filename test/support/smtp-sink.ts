import { createServer, type Server, type Socket } from 'node:net';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { testCertificates } from './test-ca.js';

/**
 * A real SMTP server for tests (smtp-server on 127.0.0.1, port 0) that keeps what it receives
 * and misbehaves on request. Faults can be changed while it runs:
 *
 *   const sink = await startSmtpSink({ tls: 'starttls', auth: { user: 'u', password: 'p' } });
 *   sink.rejectRecipient('gone@example.jp', '550 5.1.1 User unknown');
 *   sink.failNext(2, 'rcpt', '451 4.3.0 Try again later');
 *   sink.dropNextMessages(1);
 *   // … send …
 *   expect(sink.messages[0].subject).toBe('…');
 *   expect(sink.authAttempts).toEqual([]);   // no credentials arrived
 */

/** How the sink speaks TLS. */
export type SinkTls =
  /** plain text only: STARTTLS is neither offered nor accepted */
  | 'none'
  /** plain text with STARTTLS offered (optional for the client) */
  | 'starttls'
  /** implicit TLS from the first byte (SMTPS) */
  | 'implicit';

export interface SmtpSinkOptions {
  tls?: SinkTls;
  /** The certificate shown: signed by the test CA (default) or self-signed. */
  certificate?: 'trusted' | 'untrusted';
  /** When given, AUTH is required and only these credentials pass. */
  auth?: { user: string; password: string; methods?: ('PLAIN' | 'LOGIN')[] };
  /** The text of the 535 to a refused AUTH; some servers quote the credentials they refuse. */
  authRefusal?: (attempt: { username: string | undefined; password: string | undefined }) => string;
  /** AUTH only after STARTTLS, as Postfix with smtpd_tls_auth_only (default false). */
  authNeedsTls?: boolean;
  /** Announce SMTPUTF8 (default true). */
  smtpUtf8?: boolean;
  /** TLS as an old server speaks it: only TLS 1.0 and 1.1, or no cipher a client of today accepts. */
  tlsLimits?: 'old-versions' | 'no-common-cipher';
}

const TLS_LIMITS = {
  'old-versions': { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' },
  'no-common-cipher': { maxVersion: 'TLSv1.2', ciphers: 'NULL@SECLEVEL=0' },
} as const;

export interface AuthAttempt {
  method: string;
  username: string | undefined;
  password: string | null | undefined;
  accepted: boolean;
}

export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  /** Header names in lower case. */
  headers: Map<string, unknown>;
  from: string | undefined;
  to: string[];
  subject: string | undefined;
  text: string | undefined;
  html: string | undefined;
  messageId: string | undefined;
  /** The name the client gave in EHLO/HELO. */
  greetedAs: string;
  raw: Buffer;
}

export type SinkStage = 'mail' | 'rcpt' | 'data';

export interface SmtpSink {
  host: '127.0.0.1';
  port: number;
  messages: ReceivedMail[];
  authAttempts: AuthAttempt[];
  /** Every RCPT TO address the sink saw, accepted or not. */
  recipientsSeen: string[];
  /** Answer every connection with this reply (e.g. `421 4.3.2 Too busy`) instead of the greeting and close; null to stop. */
  replyOnConnect(reply: string | null): void;
  /** Answer RCPT TO for this address with the reply, every time. */
  rejectRecipient(address: string, reply: string): void;
  /** The next `count` commands of the stage get this reply (DATA: after the message was received). */
  failNext(count: number, stage: SinkStage, reply: string): void;
  /** The next `count` messages lose their connection half-way through DATA. */
  dropNextMessages(count: number): void;
  /** Answer each DATA this long after the message arrived (a slow server); 0 to answer at once. */
  delayDataReply(ms: number): void;
  /** Answer DATA for mail to this address only once the returned function is called (a send that takes as long as the test wants). */
  holdDataReplyTo(address: string): () => void;
  /** Resolves once `count` messages have arrived in total. */
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

interface PendingFault {
  remaining: number;
  reply: string;
}

/** `550 5.1.1 User unknown` → an Error smtp-server turns into exactly that reply. */
function replyError(reply: string): Error & { responseCode: number } {
  const match = /^(\d{3})\s+(.*)$/.exec(reply.trim());
  if (!match) throw new Error(`not an SMTP reply: ${reply}`);
  return Object.assign(new Error(match[2]), { responseCode: Number(match[1]) });
}

function takeFault(queue: PendingFault[]): Error | null {
  const fault = queue[0];
  if (!fault) return null;
  fault.remaining -= 1;
  if (fault.remaining <= 0) queue.shift();
  return replyError(fault.reply);
}

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  return [value ?? []].flat().flatMap((entry) => entry.value.map((a) => a.address ?? ''));
}

function toReceivedMail(parsed: ParsedMail, session: SMTPServerSession, raw: Buffer): ReceivedMail {
  return {
    envelope: {
      from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
      to: session.envelope.rcptTo.map((r) => r.address),
    },
    headers: parsed.headers as Map<string, unknown>,
    from: parsed.from?.value[0]?.address,
    to: addresses(parsed.to),
    subject: parsed.subject,
    text: parsed.text,
    html: parsed.html === false ? undefined : parsed.html,
    messageId: parsed.messageId,
    greetedAs: session.hostNameAppearsAs,
    raw,
  };
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const tlsMode = options.tls ?? 'starttls';
  const certificate = testCertificates()[options.certificate ?? 'trusted'];
  const messages: ReceivedMail[] = [];
  const authAttempts: AuthAttempt[] = [];
  const recipientsSeen: string[] = [];
  const rejectedRecipients = new Map<string, string>();
  const pending: Record<SinkStage, PendingFault[]> = { mail: [], rcpt: [], data: [] };
  let connectReply: string | null = null;
  let dropsLeft = 0;
  let dataReplyDelayMs = 0;
  const heldReplies = new Map<string, Promise<void>>();
  const waiters: Array<() => void> = [];

  const server = new SMTPServer({
    secure: tlsMode === 'implicit',
    hideSTARTTLS: tlsMode === 'none',
    disabledCommands: [...(tlsMode === 'none' ? ['STARTTLS'] : []), ...(options.auth ? [] : ['AUTH'])],
    authMethods: options.auth?.methods ?? ['PLAIN', 'LOGIN'],
    allowInsecureAuth: !options.authNeedsTls,
    authOptional: !options.auth,
    hideSMTPUTF8: options.smtpUtf8 === false,
    key: certificate.key,
    cert: certificate.cert,
    ...(options.tlsLimits ? TLS_LIMITS[options.tlsLimits] : {}),
    logger: false,
    disableReverseLookup: true,
    socketTimeout: 30_000,
    closeTimeout: 1_000,
    onConnect(_session, callback) {
      callback(connectReply ? replyError(connectReply) : null);
    },
    onAuth(auth, _session, callback) {
      const accepted = auth.username === options.auth?.user && auth.password === options.auth?.password;
      authAttempts.push({ method: auth.method, username: auth.username, password: auth.password, accepted });
      if (accepted) return callback(null, { user: auth.username });
      const refusal = options.authRefusal?.({ username: auth.username, password: auth.password ?? undefined }) ?? '5.7.8 Authentication credentials invalid';
      callback(Object.assign(new Error(refusal), { responseCode: 535 }));
    },
    onMailFrom(_address, _session, callback) {
      callback(takeFault(pending.mail));
    },
    onRcptTo(address, _session, callback) {
      recipientsSeen.push(address.address);
      const rejection = rejectedRecipients.get(address.address.toLowerCase());
      callback(rejection ? replyError(rejection) : takeFault(pending.rcpt));
    },
    onData(stream, session, callback) {
      if (dropsLeft > 0) {
        dropsLeft -= 1;
        stream.once('data', () => socketOf(session)?.destroy());
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const fault = takeFault(pending.data);
        if (fault) return callback(fault);
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            messages.push(toReceivedMail(parsed, session, raw));
            for (const wake of waiters.splice(0)) wake();
            const held = session.envelope.rcptTo.map((r) => heldReplies.get(r.address.toLowerCase())).find(Boolean);
            if (held) void held.then(() => callback(null));
            else if (dataReplyDelayMs > 0) setTimeout(() => callback(null), dataReplyDelayMs);
            else callback(null);
          })
          .catch(callback);
      });
    },
  });

  /** smtp-server has no public way to cut a session off; tests need the raw socket for that. */
  function socketOf(session: SMTPServerSession): Socket | undefined {
    const connections = (server as unknown as { connections: Set<{ session: SMTPServerSession; _socket: Socket }> }).connections;
    return [...connections].find((c) => c.session?.id === session.id)?._socket;
  }

  server.on('error', () => {}); // a client hanging up mid-handshake is part of these tests
  const port = await listen(server.server as Server);

  return {
    host: '127.0.0.1',
    port,
    messages,
    authAttempts,
    recipientsSeen,
    replyOnConnect(reply) {
      connectReply = reply;
    },
    rejectRecipient(address, reply) {
      replyError(reply);
      rejectedRecipients.set(address.toLowerCase(), reply);
    },
    failNext(count, stage, reply) {
      replyError(reply);
      pending[stage].push({ remaining: count, reply });
    },
    dropNextMessages(count) {
      dropsLeft += count;
    },
    delayDataReply(ms) {
      dataReplyDelayMs = ms;
    },
    holdDataReplyTo(address) {
      let release!: () => void;
      heldReplies.set(address.toLowerCase(), new Promise<void>((resolve) => (release = resolve)));
      return release;
    },
    async waitForMessages(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} messages, got ${messages.length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
      return messages;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A TCP server that accepts connections and never says a word: the greeting never comes. */
export function startSilentServer(): Promise<{ port: number; close(): Promise<void> }> {
  return startTcpServer(() => {});
}

/** A server that accepts each connection and hangs up at once, before its greeting (a balancer with no live backend). */
export function startHangUpServer(): Promise<{ port: number; close(): Promise<void> }> {
  return startTcpServer((socket) => socket.destroy());
}

/**
 * A server that speaks just enough SMTP by hand to answer one command with bytes smtp-server
 * would clean up first (control characters, any length): a hostile server's reply as it arrives.
 * A null reply hangs up instead.
 */
export function startRawReplyServer(command: 'MAIL' | 'RCPT' | 'DATA', reply: string | null): Promise<{ port: number; close(): Promise<void> }> {
  return startTcpServer((socket) => {
    socket.write('220 raw.example ESMTP\r\n');
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      for (let end = received.indexOf('\r\n'); end >= 0; end = received.indexOf('\r\n')) {
        const verb = received.slice(0, 4).toUpperCase();
        received = received.slice(end + 2);
        if (verb === 'QUIT') socket.end('221 bye\r\n');
        else if (verb === command && reply === null) socket.destroy();
        else socket.write(verb === command ? `${reply}\r\n` : verb === 'EHLO' ? '250-raw.example\r\n250 8BITMIME\r\n' : '250 OK\r\n');
      }
    });
  });
}

async function startTcpServer(onConnection: (socket: Socket) => void): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  const port = await listen(server);
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}
