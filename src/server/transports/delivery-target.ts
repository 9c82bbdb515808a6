import type { SmtpSecurity, StoredMailSettings } from '../../contracts/mail-settings.js';
import type { AppContext } from '../context.js';
import type { MailSettingsRecord } from '../settings/mail-settings.service.js';
import { SecretUnreadableError } from '../security/secret-box.js';
import { SMTP_PASSWORD_PURPOSE } from '../settings/smtp-credentials.js';
import type { DeliveryFault } from './faults.js';

/** Where and how mail leaves: the managed relay, the company's own server, or Gmail. */
export interface SmtpTarget {
  via: 'managed' | 'smtp' | 'gmail';
  host: string;
  port: number;
  security: SmtpSecurity;
  auth: { user: string; pass: string } | null;
  rejectUnauthorized: boolean;
  from: string;
}

export type TargetResolution = { ok: true; target: SmtpTarget } | { ok: false; fault: DeliveryFault };

type OwnServerSettings = Pick<
  StoredMailSettings['smtp'],
  'host' | 'port' | 'security' | 'authEnabled' | 'username' | 'skipCertificateVerification'
>;

const transportFault = (code: DeliveryFault['code']): TargetResolution => ({ ok: false, fault: { scope: 'transport', code } });

/**
 * The target of the saved settings, or the transport-wide fault that stops delivery (not
 * configured, Gmail not authorised, a stored password the key cannot decrypt).
 */
export function resolveDeliveryTarget(ctx: AppContext, record: MailSettingsRecord): TargetResolution {
  if (ctx.config.managedRelay) return { ok: true, target: managedRelayTarget(ctx.config.managedRelay) };
  const { settings } = record;
  if (settings.server === 'gmail') return gmailTarget(ctx, settings);
  try {
    const password =
      settings.smtp.authEnabled && record.smtpPasswordCiphertext !== null
        ? ctx.secrets.decrypt(record.smtpPasswordCiphertext, SMTP_PASSWORD_PURPOSE)
        : null;
    return ownServerTarget(settings.smtp, settings.senderAddress, password);
  } catch (error) {
    // Waiting will not help: the admins must restore the key or enter the password again.
    if (error instanceof SecretUnreadableError) return transportFault('smtp.secret_unreadable');
    throw error;
  }
}

/**
 * TAYORI_MANAGED_SMTP_URL: `smtps://` is implicit TLS (port 465 unless given), `smtp://` is
 * plain (port 587 unless given), `smtp://…?starttls=required` requires STARTTLS. User and
 * password may be in the URL. The relay's certificate is always verified.
 */
export function managedRelayTarget(relay: { url: string; from: string }): SmtpTarget {
  const url = new URL(relay.url);
  const implicitTls = url.protocol === 'smtps:';
  const security: SmtpSecurity = implicitTls ? 'tls' : url.searchParams.get('starttls') === 'required' ? 'starttls' : 'none';
  return {
    via: 'managed',
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : implicitTls ? 465 : 587,
    security,
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : null,
    rejectUnauthorized: true,
    from: relay.from,
  };
}

/** The company's own server (既定のメールサーバー) with the password that goes with it. */
export function ownServerTarget(smtp: OwnServerSettings, senderAddress: string | null, password: string | null): TargetResolution {
  if (!smtp.host || !senderAddress) return transportFault('mail.not_configured');
  let auth: SmtpTarget['auth'] = null;
  if (smtp.authEnabled) {
    if (!smtp.username || password === null) return transportFault('smtp.password_required');
    auth = { user: smtp.username, pass: password };
  }
  return {
    ok: true,
    target: {
      via: 'smtp',
      host: smtp.host,
      port: smtp.port,
      security: smtp.security,
      auth,
      rejectUnauthorized: !smtp.skipCertificateVerification,
      from: senderAddress,
    },
  };
}

/**
 * Gmail over implicit TLS. The XOAUTH2 credentials are the Gmail work's to attach (SmtpTarget
 * has no token yet); until the account is authorised mail waits as a transport-wide fault.
 */
function gmailTarget(ctx: AppContext, settings: StoredMailSettings): TargetResolution {
  if (settings.gmail.state === 'reauth_required') return transportFault('smtp.gmail_reauth_required');
  const from = settings.senderAddress ?? settings.gmail.accountEmail;
  if (settings.gmail.state !== 'authorised' || !from) return transportFault('smtp.gmail_not_authorised');
  return {
    ok: true,
    target: {
      via: 'gmail',
      host: ctx.config.gmailSmtp.host,
      port: ctx.config.gmailSmtp.port,
      security: 'tls',
      auth: null,
      rejectUnauthorized: true,
      from,
    },
  };
}
