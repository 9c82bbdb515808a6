import { buffer } from 'node:stream/consumers';
import { SMTPServer } from 'smtp-server';
import type { AppContext } from '../context.js';
import type { BackgroundService } from '../main.js';
import { portProblem } from '../port-problems.js';
import { seedSettingsForDevMailbox } from '../settings/mail-settings.service.js';
import { receiveMail } from './dev-mailbox.service.js';

const HOST = '127.0.0.1';
const MAX_MESSAGE_BYTES = 30 * 1024 * 1024;

/**
 * `tayori serve` with TAYORI_DEV_MAILBOX=1: a real SMTP server on 127.0.0.1 (no AUTH, no TLS)
 * keeping every mail it gets, and on a new installation the settings pointed at it.
 */
export async function startDevMailbox(ctx: AppContext): Promise<BackgroundService | null> {
  if (!ctx.config.devMailbox.enabled) return null;
  const server = new SMTPServer({
    disabledCommands: ['AUTH', 'STARTTLS'],
    hideSTARTTLS: true,
    authOptional: true,
    size: MAX_MESSAGE_BYTES,
    logger: false,
    disableReverseLookup: true,
    closeTimeout: 1_000,
    onData(stream, session, callback) {
      const envelope = {
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
        to: session.envelope.rcptTo.map((recipient) => recipient.address),
      };
      buffer(stream)
        .then((raw) => receiveMail(ctx, raw, envelope))
        .then(() => callback(null), callback);
    },
  });
  server.on('error', (error) => ctx.log.warn({ err: error }, 'dev mailbox connection error'));

  // Asked for and not there, the mailbox would be reported running (the first-start notice, /api/health)
  // while mail went to whatever holds the port: the start stops and says which setting to change.
  const port = await listen(server, ctx.config.devMailbox.port).catch((error: unknown) => {
    throw portProblem(error, 'TAYORI_DEV_MAILBOX_PORT', ctx.config.devMailbox.port);
  });
  await seedSettingsForDevMailbox(ctx, port);
  ctx.log.info({ host: HOST, port }, 'dev mailbox is listening (development only)');
  return { name: 'dev mailbox', stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function listen(server: SMTPServer, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.server.once('error', reject);
    server.server.listen(port, HOST, () => {
      server.server.off('error', reject);
      const address = server.server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
