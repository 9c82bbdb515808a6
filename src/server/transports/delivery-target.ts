import type { SmtpSecurity, StoredMailSettings } from '../../contracts/mail-settings.js';
import type { AppContext } from '../context.js';
import { gmailProvider } from '../google/oauth-mail-provider.js';
import type { MailSettingsRecord } from '../settings/mail-settings.record.js';
import { SecretUnreadableError } from '../security/secret-box.js';
import { SMTP_PASSWORD_PURPOSE } from '../settings/smtp-credentials.js';
import type { DeliveryFault } from './faults.js';

/** A user name and password (PLAIN / LOGIN). */
export interface PasswordAuth {
  user: string;
  pass: string;
  method?: undefined;
}

/**
 * SASL XOAUTH2 for the mailbox `user` of an OAuth provider. No token here: each connection asks
 * the token source when it logs in (transports/xoauth2.ts), so a target (and a pool kept for it)
 * never holds one and stays valid across refreshes.
 */
export interface OAuthAuth {
  method: 'XOAUTH2';
  user: string;
  /** OAuthMailProvider.key */
  provider: string;
}

export type SmtpAuth = PasswordAuth | OAuthAuth;

/** Where and how mail leaves: the managed relay, the company's own server, or Gmail. */
export interface SmtpTarget {
  via: 'managed' | 'smtp' | 'gmail';
  host: string;
  port: number;
  security: SmtpSecurity;
  auth: SmtpAuth | null;
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
  if (settings.server === 'gmail') return gmailTarget(ctx, record);
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
 * Gmail (SPEC §1.3, §2.3): TAYORI_GMAIL_SMTP_HOST/_PORT, implicit TLS on 465 and STARTTLS
 * required on any other port, certificates always verified, XOAUTH2 as the authorised account.
 * Until the account is authorised, or while it needs authorising again, mail waits.
 */
function gmailTarget(ctx: AppContext, record: MailSettingsRecord): TargetResolution {
  const { gmail } = record;
  if (gmail.state === 'reauth_required') return transportFault('smtp.gmail_reauth_required');
  if (gmail.state !== 'authorised' || !gmail.accountEmail) return transportFault('smtp.gmail_not_authorised');
  const provider = gmailProvider(ctx.config);
  return {
    ok: true,
    target: {
      via: 'gmail',
      host: provider.smtp.host,
      port: provider.smtp.port,
      security: provider.smtp.port === 465 ? 'tls' : 'starttls',
      auth: { method: 'XOAUTH2', user: gmail.accountEmail, provider: provider.key },
      rejectUnauthorized: true,
      from: record.settings.senderAddress ?? gmail.accountEmail,
    },
  };
}
