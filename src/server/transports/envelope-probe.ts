import SMTPConnection, { type SMTPConnectionCustomAuthContext, type SMTPConnectionCustomAuthResponse } from 'nodemailer/lib/smtp-connection/index.js';
import { toAsciiAddress } from '../../contracts/address.js';
import type { AppContext } from '../context.js';
import type { SmtpTarget } from './delivery-target.js';
import { nodemailerAuth, smtpConnectionOptions } from './smtp-transport.js';

/**
 * nodemailer's SMTPConnection has no public way to send MAIL FROM and RCPT TO without going on
 * to DATA. Its only public way to send a command of our own and read the reply is the
 * `sendCommand` handed to a custom SASL handler, so the envelope runs inside a "login" with this
 * made-up method name. The connection, TLS, EHLO and the real AUTH stay nodemailer's, with
 * exactly the options the transports use, and its errors classify the same way.
 */
const ENVELOPE_PROBE = 'X-TAYORI-ENVELOPE-PROBE';

interface ProbeStep {
  line: string;
  /** What a refusal is reported as, in nodemailer's terms (see faults.ts). */
  code: 'EENVELOPE' | 'EPROTOCOL';
  command: string;
}

/**
 * The connection test of SPEC §2.4: connect, TLS as chosen, EHLO, AUTH, `MAIL FROM:<sender>`,
 * `RCPT TO:<recipient>`, RSET, QUIT. Nothing is sent. Rejects with an error classifySmtpError
 * understands, or with `signal.reason` when the signal aborts first.
 */
export function probeEnvelope(
  ctx: AppContext,
  target: SmtpTarget,
  recipient: string,
  signal?: AbortSignal,
): Promise<void> {
  const steps: ProbeStep[] = [
    { line: `MAIL FROM:<${toAsciiAddress(target.from)}>`, code: 'EENVELOPE', command: 'MAIL FROM' },
    { line: `RCPT TO:<${toAsciiAddress(recipient)}>`, code: 'EENVELOPE', command: 'RCPT TO' },
    { line: 'RSET', code: 'EPROTOCOL', command: 'RSET' },
  ];
  return new Promise((resolve, reject) => {
    let refusal: Error | null = null;
    let settled = false;
    const options = smtpConnectionOptions(ctx, target);
    const connection = new SMTPConnection({
      ...options,
      customAuth: { ...options.customAuth, [ENVELOPE_PROBE]: (auth) => runSteps(auth, steps, (error) => (refusal = error)) },
    });
    const finish = (error: Error | null) => {
      if (settled) return;
      settled = true;
      if (error) {
        connection.close();
        reject(error);
      } else {
        connection.quit();
        resolve();
      }
    };
    signal?.addEventListener('abort', () => finish(signal.reason as Error), { once: true });
    connection.once('error', finish);
    // A 421 ends the session before the handler returns; its reply is already in `refusal`.
    connection.once('end', () => finish(refusal ?? Object.assign(new Error('Connection closed'), { code: 'ECONNECTION' })));
    const probe = () => connection.login({ method: ENVELOPE_PROBE }, (error) => finish(error ?? refusal));
    connection.connect((error) => {
      if (error) return finish(error);
      if (!target.auth) return probe();
      const auth = nodemailerAuth(target) as SMTPConnection.Credentials;
      connection.login(auth, (authError) => (authError ? finish(authError) : probe()));
    });
  });
}

/** Callbacks rather than promises, so a refusal is recorded before a 421 closes the connection. */
function runSteps(auth: SMTPConnectionCustomAuthContext, steps: ProbeStep[], onRefusal: (error: Error) => void): void {
  const [step, ...rest] = steps;
  if (!step) return auth.resolve();
  auth.sendCommand(step.line, (_error, reply) => {
    if (reply.status >= 200 && reply.status < 400) return runSteps(auth, rest, onRefusal);
    onRefusal(refusalError(step, reply));
    auth.resolve();
  });
}

function refusalError(step: ProbeStep, reply: SMTPConnectionCustomAuthResponse): Error {
  return Object.assign(new Error(`${step.command} refused: ${reply.response}`), {
    code: step.code,
    command: step.command,
    responseCode: reply.status,
    response: reply.response,
  });
}
