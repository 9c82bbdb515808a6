import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';

/**
 * A connection option (ms) that nodemailer carries to each connection untouched: how long to wait
 * for the server's answer to a whole message.
 */
export const FINAL_REPLY_TIMEOUT = 'tayoriFinalReplyTimeout';

interface ConnectionInternals {
  options: SMTPConnection.Options & { [FINAL_REPLY_TIMEOUT]?: number };
  _socket: Socket | false;
  _createSendStream(callback: (error: Error | null, reply?: string) => void): Readable;
}

const HOOKED = Symbol.for('tayori.finalReplyWait');

/**
 * After the final dot a server delivers the mail, or scans it, before it answers: RFC 5321
 * §4.5.3.2.6 gives it 10 minutes, and warns that giving up sooner sends the mail twice, because
 * the server has taken it. nodemailer has one silence timeout for the whole conversation, so a
 * server that scanned a large attachment for longer than TAYORI_SMTP_SOCKET_TIMEOUT_MS (30 s) was
 * left with the mail, which then went again at every retry. With this, a connection whose options
 * carry FINAL_REPLY_TIMEOUT waits that long for that one answer, and then keeps the silence
 * timeout for the rest of the conversation. nodemailer offers no hook here, so its connection's
 * send stream is wrapped; test/slow-smtp-server.test.ts fails if a new nodemailer moves it.
 */
export function waitLongerForTheFinalReply(): void {
  const connection = SMTPConnection.prototype as unknown as ConnectionInternals & { [HOOKED]?: true };
  if (connection[HOOKED]) return;
  const createSendStream = connection._createSendStream;
  if (typeof createSendStream !== 'function') throw new Error('nodemailer no longer has SMTPConnection#_createSendStream (final-reply-wait.ts)');
  connection._createSendStream = function (this: ConnectionInternals, callback) {
    const finalReplyMs = this.options[FINAL_REPLY_TIMEOUT];
    if (!finalReplyMs) return createSendStream.call(this, callback);
    const silenceMs = this.options.socketTimeout;
    const stream = createSendStream.call(this, (error, reply) => {
      if (this._socket && silenceMs) this._socket.setTimeout(silenceMs);
      callback(error, reply);
    });
    // The stream ends once the message and its final dot have gone to the socket.
    stream.once('end', () => {
      if (this._socket) this._socket.setTimeout(finalReplyMs);
    });
    return stream;
  };
  connection[HOOKED] = true;
}
