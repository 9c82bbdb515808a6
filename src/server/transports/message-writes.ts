import { type Readable, Transform, type TransformCallback } from 'node:stream';
import type { Transporter } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';

/**
 * A mail option nodemailer copies along untouched: called once the whole message has been handed
 * to the connection. A conversation that fails after that may have delivered the mail.
 */
export const ON_MESSAGE_WRITTEN = 'tayoriOnMessageWritten';

/**
 * Called when the server has taken DATA and the message starts to go (the connection starts
 * reading it). A conversation that fails before that has sent nothing of this mail: its fault is
 * the server's or the connection's, not the mail's.
 */
export const ON_MESSAGE_STARTED = 'tayoriOnMessageStarted';

export type MailToSend = Mail.Options & { [ON_MESSAGE_WRITTEN]?: () => void; [ON_MESSAGE_STARTED]?: () => void };

/** The most of a message held back before writing (a part nodemailer produces whole is written whole). */
const MESSAGE_WRITE_BYTES = 64 * 1024;

/**
 * nodemailer writes a message to the server piece by piece as its MIME tree streams out: the
 * headers, the body, its last line, a closing line break, and for HTML and attachments each
 * part's headers and boundaries. Every piece is a system call and a packet here and a read on
 * the server: four for a short text mail, seventeen with HTML and an attachment. With this, the
 * message leaves in one write (streamed content in writes of about MESSAGE_WRITE_BYTES), and
 * SMTP's final dot in one more. It also tells the sender, through ON_MESSAGE_WRITTEN, when the
 * last of the message has gone.
 */
export function writeMessagesWhole<T>(transporter: Transporter<T>): Transporter<T> {
  transporter.use('stream', (mail, done) => {
    const { [ON_MESSAGE_WRITTEN]: onWritten, [ON_MESSAGE_STARTED]: onStarted } = mail.data as MailToSend;
    mail.message.processFunc((input: Readable) => {
      const output = gatheredWhole(input);
      // The connection pipes the message only once the server answered DATA with 354.
      if (onStarted) output.once('resume', onStarted);
      if (onWritten) output.once('end', onWritten);
      return output;
    });
    done();
  });
  return transporter;
}

/**
 * A process function reads its input itself and must report the input's errors on what it
 * returns (as nodemailer's DKIM signer does), and release the input when the connection gives up
 * on the output. Not stream.pipeline: it makes an AbortController for every message and a
 * DOMException at its end, a cost that showed in the SMTP thread's profile.
 */
function gatheredWhole(input: Readable): Readable {
  const output = new WholeWrites();
  input.once('error', (error) => output.destroy(error));
  output.once('close', () => {
    if (!input.readableEnded) input.destroy();
  });
  return input.pipe(output);
}

class WholeWrites extends Transform {
  private held: Buffer[] = [];
  private heldBytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    if (this.heldBytes >= MESSAGE_WRITE_BYTES) this.release();
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.heldBytes > 0) this.release();
    callback();
  }

  private release(): void {
    this.push(Buffer.concat(this.held, this.heldBytes));
    this.held = [];
    this.heldBytes = 0;
  }
}
