import { type ChildProcess, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SmtpThread } from '../src/server/transports/smtp-thread.js';
import { tempDir } from './support/databases.js';

const SINK = fileURLToPath(new URL('./fixtures/marker-sink.ts', import.meta.url));
const SEND_ONE = fileURLToPath(new URL('./fixtures/send-one-mail.ts', import.meta.url));
const pause = new Int32Array(new SharedArrayBuffer(4));
const mail = (n: number) => ({ from: 'sender@example.jp', to: `customer${n}@example.jp`, subject: `件名 ${n}`, text: '本文' });

describe('the outbox SMTP thread', () => {
  let sink: ChildProcess | null = null;
  let thread: SmtpThread | null = null;

  afterEach(() => {
    thread?.close();
    sink?.disconnect();
  });

  async function startSink(directory: string): Promise<number> {
    sink = fork(SINK, [directory], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const [{ port }] = (await once(sink, 'message')) as [{ port: number }];
    return port;
  }

  it('carries a whole SMTP conversation while the main thread is blocked, so database writes and requests do not hold delivery up', async () => {
    const received = tempDir();
    const port = await startSink(received);
    thread = new SmtpThread({ host: '127.0.0.1', port, ignoreTLS: true, pool: true, maxConnections: 1 });
    await thread.sendMail(mail(1)); // the thread is up and connected

    const second = thread.sendMail(mail(2));
    // Block this thread (no event loop turns) until the sink has the mail, or give up after a minute.
    const giveUpAt = Date.now() + 60_000;
    while (!existsSync(join(received, '2')) && Date.now() < giveUpAt) Atomics.wait(pause, 0, 0, 10);
    expect(existsSync(join(received, '2'))).toBe(true);
    expect(await second).toEqual({ rejected: [], rejectedErrors: [] });
  });

  it('hands nodemailer errors back with the fields faults are classified by, and starts again after close', async () => {
    const received = tempDir();
    const port = await startSink(received);
    thread = new SmtpThread({ host: '127.0.0.1', port, ignoreTLS: true, pool: true, maxConnections: 1 });
    const refused = new SmtpThread({ host: '127.0.0.1', port: 1, ignoreTLS: true, pool: true, maxConnections: 1, connectionTimeout: 5_000 });
    try {
      await expect(refused.sendMail(mail(1))).rejects.toMatchObject({ code: 'ESOCKET', originalCode: 'ECONNREFUSED' });
    } finally {
      refused.close();
    }
    await thread.sendMail(mail(1));
    thread.close();
    await thread.sendMail(mail(2));
    expect(existsSync(join(received, '2'))).toBe(true);
  });

  it('lets a process end by itself once its SMTP thread is idle, after the mail in flight went out', async () => {
    const received = tempDir();
    const port = await startSink(received);
    // No IPC channel: it would keep the process alive by itself.
    const sender = spawn(process.execPath, ['--import', 'tsx', SEND_ONE, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    sender.stdout!.on('data', (chunk) => (output += chunk));
    const [code] = (await once(sender, 'exit')) as [number];
    expect({ code, output: output.trim() }).toEqual({ code: 0, output: 'sent' });
    expect(existsSync(join(received, '1'))).toBe(true);
  });
});
