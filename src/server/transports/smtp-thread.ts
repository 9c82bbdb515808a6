import { Worker } from 'node:worker_threads';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { startThread } from '../threads.js';
import type { NodemailerErrorFields } from './faults.js';
import { type MailToSend, ON_MESSAGE_WRITTEN } from './message-writes.js';
import type { SmtpTransportOptions } from './smtp-transport.js';

/** What the outbox worker needs of a transport: nodemailer's pooled one, or the same on a thread. */
export interface MailSender {
  sendMail(mail: MailToSend): Promise<SentInfo>;
  close(): void;
  /** Ends every conversation at once, however far it got: the mails in flight fail. */
  abort?(): void;
}

/** The part of nodemailer's answer the worker reads: recipients the server refused. */
export interface SentInfo {
  rejected?: unknown[];
  rejectedErrors?: { message: string }[];
}

/** A nodemailer error as it crosses the thread: the fields faults.ts classifies by. */
export type ThreadedError = NodemailerErrorFields & { message: string; name?: string };

export interface SendRequest {
  id: number;
  mail: Mail.Options;
  /** The thread posts `{ id, written: true }` once the whole message has gone to the server. */
  reportWritten: boolean;
}

export type SendOutcome = { id: number; info: SentInfo } | { id: number; error: ThreadedError };
export type SendProgress = { id: number; written: true };

const THREAD_ENTRY = new URL('./smtp-thread.worker', import.meta.url);

type Waiting = Map<number, { resolve: (info: SentInfo) => void; reject: (error: Error) => void; onWritten?: () => void }>;

/**
 * A nodemailer SMTP pool running on a thread of its own. Building each message and the SMTP
 * conversations then use a second core, and neither waits for the main thread's database writes
 * (synchronous on SQLite) or its HTTP requests: the outbox delivers about as fast as nodemailer
 * alone. The thread starts with the first mail and ends with close(); if it dies, the mails in
 * flight fail as a transport fault (they stay queued) and the next mail starts a new one.
 */
export class SmtpThread implements MailSender {
  private current: { thread: Worker; waiting: Waiting } | null = null;
  private nextId = 1;

  /** `options`: nodemailer transport options, without functions (they cannot cross the thread). */
  constructor(private readonly options: SmtpTransportOptions) {}

  sendMail(mail: MailToSend): Promise<SentInfo> {
    const id = this.nextId++;
    const { thread, waiting } = this.started();
    // A function cannot cross to the thread: the thread reports the moment instead.
    const { [ON_MESSAGE_WRITTEN]: onWritten, ...postable } = mail;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject, onWritten });
      // A mail in flight keeps the process alive; an idle thread does not.
      thread.ref();
      thread.postMessage({ id, mail: postable, reportWritten: onWritten !== undefined } satisfies SendRequest);
    });
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

  private started(): { thread: Worker; waiting: Waiting } {
    if (this.current) return this.current;
    const thread = startThread(THREAD_ENTRY, { options: this.options });
    const started = { thread, waiting: new Map() as Waiting };
    thread.unref();
    thread.on('message', (outcome: SendOutcome | SendProgress) => {
      if ('written' in outcome) {
        started.waiting.get(outcome.id)?.onWritten?.();
        return;
      }
      settle(started.waiting, outcome);
      if (started.waiting.size === 0) thread.unref();
    });
    thread.on('error', (error) => this.ended(started, error));
    thread.on('exit', (code) => this.ended(started, Object.assign(new Error(`SMTP thread exited (${code})`), { code: 'ETHREAD' })));
    this.current = started;
    return started;
  }

  /** Mails still in flight on a thread that died fail; the next mail starts a new thread. */
  private ended(ended: { thread: Worker; waiting: Waiting }, error: Error): void {
    if (this.current === ended) this.current = null;
    for (const { reject } of ended.waiting.values()) reject(error);
    ended.waiting.clear();
  }
}

function settle(waiting: Waiting, outcome: SendOutcome): void {
  const sender = waiting.get(outcome.id);
  if (!sender) return;
  waiting.delete(outcome.id);
  if ('info' in outcome) sender.resolve(outcome.info);
  else sender.reject(Object.assign(new Error(outcome.error.message), outcome.error));
}
