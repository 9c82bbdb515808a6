/**
 * The SMTP side of the outbox worker, on a thread of its own (see smtp-thread.ts): a nodemailer
 * connection pool that sends what the main thread posts and posts back each outcome. Everything
 * it needs arrives with the messages; it touches no database and no secret store.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import nodemailer from 'nodemailer';
import { waitLongerForTheFinalReply } from './final-reply-wait.js';
import { type MailToSend, ON_MESSAGE_STARTED, ON_MESSAGE_WRITTEN, writeMessagesWhole } from './message-writes.js';
import { type SendOutcome, type SendRequest, type ThreadedError, writtenSlot } from './smtp-thread.js';

const port = parentPort!;
yieldToTheMainThread();
waitLongerForTheFinalReply();
const transporter = writeMessagesWhole(nodemailer.createTransport(workerData.options));
const written = new Int32Array(workerData.written as SharedArrayBuffer);

/** The fields of a nodemailer error that say what went wrong (faults.ts reads them). */
const ERROR_FIELDS = ['name', 'message', 'code', 'originalCode', 'responseCode', 'response', 'command', 'timeoutType'] as const;

function asThreadedError(error: unknown): ThreadedError {
  const source = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as Record<string, unknown>;
  const copy: ThreadedError = { message: String(source.message ?? 'unknown error') };
  for (const field of ERROR_FIELDS) if (typeof source[field] === 'string' || typeof source[field] === 'number') Object.assign(copy, { [field]: source[field] });
  return copy;
}

/**
 * The main thread answers HTTP requests and writes the application's mail in its transactions;
 * when the cores are busy, those must not wait behind delivery. Linux schedules each thread on
 * its own, so this one takes the lowest priority (nice 19): the main thread preempts it at once
 * (the enqueue p99 while sending was 2.1–4.4 ms at nice 0–10, 1.3 ms at 19). It still gets a free
 * core whenever there is one. Elsewhere it runs as it is.
 */
function yieldToTheMainThread(): void {
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    setPriority(threadId, 19);
  } catch {
    // No /proc (not Linux) or not allowed: delivery shares the cores as any thread does.
  }
}

port.on('message', async (request: SendRequest | 'close') => {
  if (request === 'close') {
    transporter.close();
    port.close();
    return;
  }
  let outcome: SendOutcome;
  let messageStarted = false;
  try {
    const markWritten = () => Atomics.store(written, writtenSlot(request.id), request.id | 0);
    const mail: MailToSend = { ...request.mail, [ON_MESSAGE_WRITTEN]: markWritten, [ON_MESSAGE_STARTED]: () => (messageStarted = true) };
    const info = await transporter.sendMail(mail);
    outcome = {
      id: request.id,
      info: {
        rejected: (info.rejected ?? []).map(String),
        rejectedErrors: (info.rejectedErrors ?? []).map((error) => {
          const { response, responseCode, recipient } = error as Error & { response?: string; responseCode?: number; recipient?: string };
          return { message: error.message, response, responseCode, recipient };
        }),
      },
    };
  } catch (error) {
    outcome = { id: request.id, error: { ...asThreadedError(error), messageStarted } };
  }
  port.postMessage(outcome);
});
