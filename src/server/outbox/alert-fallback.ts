import type { AppContext } from '../context.js';
import { DEV_MAILBOX_SENDER } from '../dev-mailbox/sender.js';
import { managedRelayTarget, type SmtpTarget } from '../transports/delivery-target.js';

/**
 * While the configured transport fails, the admins' alert still has a way out when the managed
 * relay or the dev mailbox is available and is not the failing server itself (SPEC §2.5);
 * otherwise the alert waits in the outbox with the rest.
 */
export function fallbackAlertTarget(ctx: AppContext, failing: SmtpTarget | null): SmtpTarget | null {
  const candidates: SmtpTarget[] = [];
  if (ctx.config.managedRelay) candidates.push(managedRelayTarget(ctx.config.managedRelay));
  if (ctx.config.devMailbox.enabled) {
    candidates.push({
      via: 'smtp',
      host: '127.0.0.1',
      port: ctx.config.devMailbox.port,
      security: 'none',
      auth: null,
      rejectUnauthorized: true,
      from: failing?.from ?? DEV_MAILBOX_SENDER,
    });
  }
  return candidates.find((c) => !failing || c.host !== failing.host || c.port !== failing.port) ?? null;
}
