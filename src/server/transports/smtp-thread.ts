import { Worker } from 'node:worker_threads';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { startThread } from '../threads.js';
import type { NodemailerErrorFields } from './faults.js';
import { type MailToSend, ON_MESSAGE_STARTED, ON_MESSAGE_WRITTEN } from './message-writes.js';
import type { SmtpTransportOptions } from './smtp-transport.js';

/** What the outbox worker needs of a transport: nodemailer's pooled one, or the same on a thread. */
export interface MailSender {
  sendMail(mail: MailToSend): Promise<SentInfo>;
  close(): void;
  /** Ends every conversation at once, however far it got: the mails in flight fail. */
  abort?(): void;
  /** Whether the whole of this mail, in flight, has gone to the server: it waits for the final reply. */
  wholeMessageWritten?(mail: MailToSend): boolean;
}

/** The part of nodemailer's answer the worker reads: recipients the server refused, and how. */
export interface SentInfo {
  rejected?: unknown[];
  rejectedErrors?: { message: string; response?: string; responseCode?: number; recipient?: string }[];
}

/** A nodemailer error as it crosses the thread: the fields faults.ts classifies by. */
export type ThreadedError = NodemailerErrorFields & { message: string; name?: string; messageStarted?: boolean };

export interface SendRequest {
  id: number;
  mail: Mail.Options;
}

export type SendOutcome = { id: number; info: SentInfo } | { id: number; error: ThreadedError };

/**
 * Which sends have handed their whole message to the server: the thread writes a send's id into
 * its slot, and the main thread reads it only for a send that failed or that it abandons. A
 * message per mail instead cost the outbox a tenth of its throughput (bench:outbox). Slots are
 * reused only after WRITTEN_SLOTS later sends, far more than are ever in flight at once.
 */
export const WRITTEN_SLOTS = 4096;
export const writtenSlot = (id: number) => id % WRITTEN_SLOTS;

const THREAD_ENTRY = new URL('./smtp-thread.worker', import.meta.url);

type Waiting = Map<number, { resolve: (info: SentInfo) => void; reject: (error: Error) => void; onWritten?: () => void; onStarted?: () => void }>;
interface Started {
  thread: Worker;
  waiting: Waiting;
  written: Int32Array;
}

/**
 * A nodemailer SMTP pool running on a thread of its own. Building each message and the SMTP
 * conversations then use a second core, and neither waits for the main thread's database writes
 * (synchronous on SQLite) or its HTTP requests: the outbox delivers about as fast as nodemailer
 * alone. The thread starts with the first mail and ends with close(); if it dies, the mails in
 * flight fail as a transport fault (they stay queued) and the next mail starts a new one.
 */
export class SmtpThread implements MailSender {
  private current: Started | null = null;
  private nextId = 1;
  private readonly inFlight = new WeakMap<MailToSend, { id: number; written: Int32Array }>();

  /** `options`: nodemailer transport options, without functions (they cannot cross the thread). */
  constructor(private readonly options: SmtpTransportOptions) {}

  sendMail(mail: MailToSend): Promise<SentInfo> {
    const id = this.nextId++;
    const { thread, waiting, written } = this.started();
    this.inFlight.set(mail, { id, written });
    // A function cannot cross to the thread: the thread marks the send's slot instead, and says
    // with a failure whether the message had started.
    const { [ON_MESSAGE_WRITTEN]: onWritten, [ON_MESSAGE_STARTED]: onStarted, ...postable } = mail;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject, onWritten, onStarted });
      // A mail in flight keeps the process alive; an idle thread does not.
      thread.ref();
      thread.postMessage({ id, mail: postable } satisfies SendRequest);
    });
  }

  wholeMessageWritten(mail: MailToSend): boolean {
    const sending = this.inFlight.get(mail);
    return sending !== undefined && wasWritten(sending.written, sending.id);
  }

  close(): void {
    this.current?.thread.postMessage('close');
    this.current = null;
  }

  abort(): void {
    const aborted = this.current;
    if (!aborted) return;
    this.ended(aborted, Object.assign(new Error('SMTP thread ended'), { code: 'ETHREAD' }));
    void aborted.thread.terminate();
  }

  private started(): Started {
    if (this.current) return this.current;
    const written = new Int32Array(new SharedArrayBuffer(WRITTEN_SLOTS * Int32Array.BYTES_PER_ELEMENT));
    const thread = startThread(THREAD_ENTRY, { options: this.options, written: written.buffer });
    const started: Started = { thread, waiting: new Map(), written };
    thread.unref();
    thread.on('message', (outcome: SendOutcome) => {
      settle(started, outcome);
      if (started.waiting.size === 0) thread.unref();
    });
    thread.on('error', (error) => this.ended(started, error));
    thread.on('exit', (code) => this.ended(started, Object.assign(new Error(`SMTP thread exited (${code})`), { code: 'ETHREAD' })));
    this.current = started;
    return started;
  }

  /** Mails still in flight on a thread that died fail; the next mail starts a new thread. */
  private ended(ended: Started, error: Error): void {
    if (this.current === ended) this.current = null;
    for (const id of ended.waiting.keys()) fail(ended, id, error);
  }
}

function settle(started: Started, outcome: SendOutcome): void {
  if ('info' in outcome) {
    const sender = started.waiting.get(outcome.id);
    started.waiting.delete(outcome.id);
    sender?.resolve(outcome.info);
  } else {
    fail(started, outcome.id, Object.assign(new Error(outcome.error.message), outcome.error));
  }
}

/** A failed send says first whether its whole message had gone, as the callback would have on this thread. */
function fail(started: Started, id: number, error: Error): void {
  const sender = started.waiting.get(id);
  if (!sender) return;
  started.waiting.delete(id);
  if ((error as ThreadedError).messageStarted) sender.onStarted?.();
  if (wasWritten(started.written, id)) sender.onWritten?.();
  sender.reject(error);
}

const wasWritten = (written: Int32Array, id: number) => Atomics.load(written, writtenSlot(id)) === (id | 0);
