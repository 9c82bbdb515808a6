import { createServer, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMailApi } from '../src/server/outbox/enqueue.js';
import { requestPromptDelivery } from '../src/server/outbox/transport-state.repository.js';
import { OutboxWorker } from '../src/server/outbox/worker.js';
import { createTestApp, login, type TestApp } from './support/app.js';
import { dialects } from './support/databases.js';
import { saveMailSettings, smtpSettingsForm } from './support/mail-settings.js';
import { type SmtpSink, startSmtpSink } from './support/smtp-sink.js';

/** A raw TCP server on loopback for a scripted SMTP conversation; close() ends every connection. */
async function startRawServer(converse: (socket: Socket) => void) {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    converse(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Writes the line every 100 ms until the connection ends: never silent for long. */
function trickle(socket: Socket, line: () => string): void {
  const timer = setInterval(() => socket.write(line()), 100);
  socket.on('close', () => clearInterval(timer));
}

/**
 * An SMTP server that greets, then answers EHLO with a reply that never ends, one line at a
 * time: it is never silent for long, so the socket timeout (which counts silence) never fires.
 */
async function startTricklingServer() {
  let linesSent = 0;
  const server = await startRawServer((socket) => {
    socket.write('220 trickle.example.jp ESMTP\r\n');
    socket.once('data', () => trickle(socket, () => `250-still thinking ${++linesSent}\r\n`));
  });
  return { ...server, linesSent: () => linesSent };
}

/**
 * A scripted SMTP server that answers every command at once and takes whole messages. For each
 * message, `onMessage` says what happens once it has arrived; `onMessageBytes` sees each piece of
 * it as it comes.
 */
async function startScriptedServer(
  name: string,
  script: {
    onMessage: (socket: Socket, message: string) => void;
    onMessageBytes?: (socket: Socket, chunk: Buffer) => void;
    /** Whether to stay silent after this command instead of answering it. */
    silentAfter?: (command: string) => boolean;
  },
) {
  return startRawServer((socket) => {
    socket.write(`220 ${name} ESMTP\r\n`);
    let buffered = '';
    let inData = false;
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      if (inData) {
        script.onMessageBytes?.(socket, chunk);
        const end = buffered.indexOf('\r\n.\r\n');
        if (end < 0) return;
        inData = false;
        script.onMessage(socket, buffered.slice(0, end));
        buffered = buffered.slice(end + 5);
        return;
      }
      for (let end = buffered.indexOf('\r\n'); end >= 0 && !inData; end = buffered.indexOf('\r\n')) {
        const command = buffered.slice(0, end).toUpperCase();
        buffered = buffered.slice(end + 2);
        if (script.silentAfter?.(command)) continue;
        if (command.startsWith('EHLO')) socket.write(`250-${name}\r\n250 8BITMIME\r\n`);
        else if (command === 'DATA') {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else socket.write('250 ok\r\n');
      }
    });
  });
}

/** Takes the whole message, then never confirms it: it stays silent, or it trickles a reply that never ends. */
async function startUnconfirmingServer(afterMessage: 'silent' | 'trickle') {
  let messagesTaken = 0;
  const server = await startScriptedServer('unconfirming.example.jp', {
    onMessage(socket) {
      messagesTaken++;
      if (afterMessage === 'trickle') trickle(socket, () => '250-still storing\r\n');
    },
  });
  return { ...server, messagesTaken: () => messagesTaken };
}

/**
 * An SMTP server behind a slow link: it reads the message at `bytesPerTick` every 50 ms (by
 * default about 320 KB/s), so a message of n bytes takes at least n / bytesPerTick ticks to
 * arrive, however fast the machine, and is answered at once when it has.
 */
const UPLOAD_BYTES_PER_TICK = 16 * 1024;
async function startSlowLinkServer(bytesPerTick = UPLOAD_BYTES_PER_TICK) {
  const messages: string[] = [];
  const server = await startScriptedServer('slow-link.example.jp', {
    onMessageBytes(socket, chunk) {
      socket.pause();
      setTimeout(() => socket.resume(), Math.ceil(chunk.length / bytesPerTick) * 50);
    },
    onMessage(socket, message) {
      messages.push(message);
      socket.write('250 2.0.0 queued\r\n');
    },
  });
  return { ...server, messages };
}

describe.each(dialects())('a server behind a slow link, on $name', (dialect) => {
  let t: TestApp;
  let server: Awaited<ReturnType<typeof startSlowLinkServer>>;
  let worker: OutboxWorker | undefined;

  afterEach(async () => {
    await worker?.stop();
    await t?.close();
    await server?.close();
  });

  it('takes a large mail whose upload lasts longer than TAYORI_SMTP_SEND_TIMEOUT_MS: the limit grows with the mail', async ({ skip }) => {
    if (dialect.skip) skip('no PostgreSQL');
    server = await startSlowLinkServer();
    // The socket timeout counts silence, and the message waits in the kernel's buffers while the
    // link drains them: it is kept longer than the upload here, so only the send limit is tried.
    t = await createTestApp(dialect, { env: { TAYORI_SMTP_SEND_TIMEOUT_MS: '3000', TAYORI_SMTP_SOCKET_TIMEOUT_MS: '30000' } });
    const admin = await login(t.app);
    await saveMailSettings(admin, smtpSettingsForm(server.port));
    const attachment = Buffer.alloc(1024 * 1024, 'スキャンした契約書').toString('base64');
    await createMailApi(t.ctx).enqueue(t.ctx.db, {
      to: 'tanaka@example.jp',
      subject: '契約書',
      text: '添付します。',
      attachments: [{ filename: '契約書.pdf', contentType: 'application/pdf', content: attachment }],
    });
    // At 3000 ms, the send is cut off before the slow link has taken the message.
    expect(attachment.length / UPLOAD_BYTES_PER_TICK).toBeGreaterThan(3000 / 50);
    worker = new OutboxWorker(t.ctx);

    // Before, each try was cut off as the transport failing: the mail never went, the banner stayed.
    await worker.deliverDueMails();
    expect(server.messages).toHaveLength(1);
    expect(server.messages[0]).toContain(attachment.slice(0, 76));
    const [mail] = (await admin.request('GET', '/api/mail/deliveries')).json().deliveries;
    expect(mail).toMatchObject({ state: 'sent', attempts: 1 });
    expect((await admin.request('GET', '/api/health')).json().transport.state).not.toBe('failing');
  });

  it('sizes a Japanese mail by its bytes on the wire, not its characters (three bytes each, then base64)', async ({ skip }) => {
    if (dialect.skip) skip('no PostgreSQL');
    const bytesPerTick = 4 * 1024;
    server = await startSlowLinkServer(bytesPerTick);
    t = await createTestApp(dialect, { env: { TAYORI_SMTP_SEND_TIMEOUT_MS: '1000', TAYORI_SMTP_SOCKET_TIMEOUT_MS: '30000' } });
    const admin = await login(t.app);
    await saveMailSettings(admin, smtpSettingsForm(server.port));
    const text = '契約'.repeat(50_000);
    await createMailApi(t.ctx).enqueue(t.ctx.db, { to: 'tanaka@example.jp', subject: '長い本文', text });
    const wireBytes = (Buffer.byteLength(text) * 4) / 3;
    // Counted in characters the limit was 1 s + 100,000 / 32 KB/s: shorter than the upload takes here.
    expect((wireBytes / bytesPerTick) * 50).toBeGreaterThan(1000 + (text.length / (32 * 1024)) * 1000);
    worker = new OutboxWorker(t.ctx);

    await worker.deliverDueMails();
    expect(server.messages).toHaveLength(1);
    const [mail] = (await admin.request('GET', '/api/mail/deliveries')).json().deliveries;
    expect(mail).toMatchObject({ state: 'sent', attempts: 1 });
  });
});

describe.each(dialects())('a server that trickles its answers, on $name', (dialect) => {
  let t: TestApp;
  let trickler: Awaited<ReturnType<typeof startTricklingServer>>;
  let sink: SmtpSink;
  let worker: OutboxWorker | undefined;

  beforeEach(async ({ skip }) => {
    if (dialect.skip) skip('no PostgreSQL');
    trickler = await startTricklingServer();
    sink = await startSmtpSink({ tls: 'none' });
    // The send limit also covers starting the SMTP thread (slow from source on busy cores), so it
    // is generous; the socket timeout is short, and the server talks for longer than it.
    t = await createTestApp(dialect, { env: { TAYORI_SMTP_SEND_TIMEOUT_MS: '6000', TAYORI_SMTP_SOCKET_TIMEOUT_MS: '1000' } });
  });
  afterEach(async () => {
    await worker?.stop();
    await t?.close();
    await trickler?.close();
    await sink?.close();
  });

  it('is cut off after TAYORI_SMTP_SEND_TIMEOUT_MS: the mails stay queued, the fault shows, and a working server saved next takes the mails', async () => {
    const admin = await login(t.app);
    await saveMailSettings(admin, smtpSettingsForm(trickler.port));
    const mailApi = createMailApi(t.ctx);
    await mailApi.enqueue(t.ctx.db, { to: 'tanaka@example.jp', subject: '件名', text: '本文' });
    await mailApi.enqueue(t.ctx.db, { to: 'suzuki@example.jp', subject: '件名2', text: '本文' });
    worker = new OutboxWorker(t.ctx);

    // Before, this pass never ended: the one conversation held it, and every mail after it.
    await worker.deliverDueMails();
    expect(trickler.linesSent(), 'the server talked for longer than the socket timeout, never silent').toBeGreaterThan(10);
    const transport = (await admin.request('GET', '/api/health')).json().transport;
    expect(transport, JSON.stringify(transport)).toMatchObject({ state: 'failing', reason: { code: 'smtp.timeout_send' } });
    expect(transport.reason.message).toContain('制限時間内に終わらなかった');
    // The first to run out of time ends every conversation with the server, the other one's too.
    const queued = (await admin.request('GET', '/api/mail/deliveries')).json().deliveries;
    expect(queued.map((mail: { state: string; attempts: number }) => [mail.state, mail.attempts])).toEqual([['queued', 0], ['queued', 0]]);
    expect(queued.map((mail: { lastError: { code: string } }) => mail.lastError.code).sort()).toEqual(['smtp.cut_off_with_another', 'smtp.timeout_send']);

    await saveMailSettings(admin, smtpSettingsForm(sink.port));
    // As the worker's own loop does: on busy cores a new SMTP thread may start too late for one pass.
    for (let pass = 0; pass < 10 && sink.messages.length < 2; pass++) {
      await requestPromptDelivery(t.ctx.db);
      await worker.deliverDueMails();
    }
    const delivered = await sink.waitForMessages(2);
    expect(delivered.flatMap((mail) => mail.envelope.to).sort()).toEqual(['suzuki@example.jp', 'tanaka@example.jp']);
    const states = (await admin.request('GET', '/api/mail/deliveries')).json().deliveries.map((mail: { state: string }) => mail.state);
    expect(states).toEqual(['sent', 'sent']);
  });
});

describe.each(dialects())('a server that takes the whole message and never confirms it, on $name', (dialect) => {
  let t: TestApp;
  let server: Awaited<ReturnType<typeof startUnconfirmingServer>>;
  let worker: OutboxWorker | undefined;

  afterEach(async () => {
    await worker?.stop();
    await t?.close();
    await server?.close();
  });

  it.for([
    { afterMessage: 'silent' as const, ending: 'TAYORI_SMTP_FINAL_REPLY_TIMEOUT_MS' },
    { afterMessage: 'trickle' as const, ending: 'TAYORI_SMTP_SEND_TIMEOUT_MS and the final reply\'s wait' },
  ])('($afterMessage, ended by $ending): counts an attempt, says it may have arrived, and is not sent again at the next pass', async ({ afterMessage }, { skip }) => {
    if (dialect.skip) skip('no PostgreSQL');
    server = await startUnconfirmingServer(afterMessage);
    // Generous enough for the SMTP thread to start on busy cores before either can end the send.
    t = await createTestApp(dialect, {
      env: { TAYORI_SMTP_SOCKET_TIMEOUT_MS: '1000', TAYORI_SMTP_SEND_TIMEOUT_MS: '6000', TAYORI_SMTP_FINAL_REPLY_TIMEOUT_MS: '1000' },
    });
    const admin = await login(t.app);
    await saveMailSettings(admin, smtpSettingsForm(server.port));
    await createMailApi(t.ctx).enqueue(t.ctx.db, { to: 'tanaka@example.jp', subject: '件名', text: '本文' });
    worker = new OutboxWorker(t.ctx);

    await worker.deliverDueMails();
    expect(server.messagesTaken()).toBe(1);
    const [mail] = (await admin.request('GET', '/api/mail/deliveries')).json().deliveries;
    expect(mail).toMatchObject({ state: 'queued', attempts: 1, lastError: { code: 'mail.possibly_delivered' } });
    expect(mail.lastError.message).toContain('届いている可能性があります');
    expect(Date.parse(mail.nextAttemptAt)).toBeGreaterThan(Date.parse(mail.createdAt));

    // Before, the mail stayed due with no attempt counted, and every pass sent it once more.
    await requestPromptDelivery(t.ctx.db);
    await worker.deliverDueMails();
    expect(server.messagesTaken()).toBe(1);
  });
});

/**
 * A server that scans each message before it answers the final dot, for `scanMs` (the first
 * message at once), and that can be told to go silent after the next MAIL FROM.
 */
async function startScanningServer(scanMs: number) {
  const messages: string[] = [];
  let silentAfterMail = false;
  const server = await startScriptedServer('scanning.example.jp', {
    onMessage(socket, message) {
      messages.push(message);
      setTimeout(() => socket.write('250 2.0.0 queued after scanning\r\n'), messages.length === 1 ? 0 : scanMs);
    },
    silentAfter: (command) => silentAfterMail && command.startsWith('MAIL FROM'),
  });
  return { ...server, messages, goSilentAfterMailFrom: () => (silentAfterMail = true) };
}

describe.each(dialects())('a server that takes long to answer a whole message (RFC 5321 gives it 10 minutes), on $name', (dialect) => {
  let t: TestApp;
  let server: Awaited<ReturnType<typeof startScanningServer>>;
  let worker: OutboxWorker | undefined;

  afterEach(async () => {
    await worker?.stop();
    await t?.close();
    await server?.close();
  });

  it('waits for its answer beyond the socket timeout and the send limit, sends the mail once, and keeps the socket timeout for what follows on the connection', async ({ skip }) => {
    if (dialect.skip) skip('no PostgreSQL');
    const scanMs = 4500;
    server = await startScanningServer(scanMs);
    // One connection, so the one that waited is the one the next mail uses.
    const env = { TAYORI_SMTP_SOCKET_TIMEOUT_MS: '1000', TAYORI_SMTP_SEND_TIMEOUT_MS: '3000', TAYORI_OUTBOX_CONCURRENCY: '1' };
    expect(scanMs).toBeGreaterThan(Number(env.TAYORI_SMTP_SOCKET_TIMEOUT_MS) + Number(env.TAYORI_SMTP_SEND_TIMEOUT_MS));
    t = await createTestApp(dialect, { env });
    const admin = await login(t.app);
    await saveMailSettings(admin, smtpSettingsForm(server.port));
    const mailApi = createMailApi(t.ctx);
    worker = new OutboxWorker(t.ctx);
    // The first mail is answered at once: the SMTP thread and the connection are up before the one timed.
    await mailApi.enqueue(t.ctx.db, { to: 'tanaka@example.jp', subject: '一通目', text: '本文' });
    await worker.deliverDueMails();

    await mailApi.enqueue(t.ctx.db, { to: 'tanaka@example.jp', subject: '見積書', text: '添付をご確認ください。' });
    // Before, the socket timeout gave up on the answer after 1 s: "may have arrived", sent again at the next try.
    await worker.deliverDueMails();
    expect(server.messages).toHaveLength(2);
    const deliveries = (await admin.request('GET', '/api/mail/deliveries')).json().deliveries;
    expect(deliveries.map((mail: { state: string; attempts: number }) => [mail.state, mail.attempts])).toEqual([
      ['sent', 1],
      ['sent', 1],
    ]);

    // The long wait was for that answer alone: a server silent after MAIL FROM still meets the socket timeout.
    server.goSilentAfterMailFrom();
    await mailApi.enqueue(t.ctx.db, { to: 'suzuki@example.jp', subject: '三通目', text: '本文' });
    await worker.deliverDueMails();
    const third = (await admin.request('GET', '/api/mail/deliveries')).json().deliveries.find((mail: { subject: string }) => mail.subject === '三通目');
    expect(third.lastError.code).toBe('smtp.timeout_socket');
  });
});
