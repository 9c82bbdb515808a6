import type { Locale } from '../../i18n/index.js';
import { t } from '../../i18n/index.js';
import type { AppContext } from '../context.js';
import { getOrganisation } from '../organisation/organisation.service.js';
import { readMailSettings } from '../settings/mail-settings.record.js';
import { formatInZone } from '../../i18n/time-format.js';
import type { DeliveryFault } from '../transports/faults.js';
import { enqueueMail } from './enqueue.js';
import { describeStoredError, storeFault } from './stored-error.js';
import {
  claimIncidentAlert,
  markTransportFailing,
  markTransportWorking,
  readTransportState,
} from './transport-state.repository.js';

/** Faults that waiting will not heal: an administrator must act, so the banner and alert come at once. */
const NEEDS_AN_ADMINISTRATOR = new Set(['smtp.gmail_reauth_required', 'smtp.secret_unreadable', 'gmail.refresh_invalid_client']);

/** A success is written at most this often while all is well, not once per mail. */
const WORKING_WRITE_EVERY_MS = 10_000;

/**
 * Whether mail is leaving (SPEC §2.5), shared by every instance through the database:
 * a failing transport raises the admin banner after TAYORI_TRANSPORT_ALERT_AFTER_MS and one
 * alert mail per incident to the account-suspension recipients.
 */
export class TransportHealth {
  private lastWorkingWrite = 0;
  private known: 'unknown' | 'working' | 'failing' = 'unknown';
  /** By then the incident this process saw start is old enough for the alert, whoever else saw it. */
  private alertDueBy = Number.POSITIVE_INFINITY;

  constructor(private readonly ctx: AppContext) {}

  /** A mail was accepted: the first one after a failure (or at start) marks the transport up at once. */
  async working(): Promise<void> {
    const now = this.ctx.clock.now();
    if (this.known === 'working' && now.getTime() - this.lastWorkingWrite < WORKING_WRITE_EVERY_MS) return;
    await markTransportWorking(this.ctx.db, now.toISOString());
    if (this.known === 'failing') this.ctx.log.info('mail transport recovered: a mail was accepted');
    this.known = 'working';
    this.lastWorkingWrite = now.getTime();
  }

  async failing(fault: DeliveryFault): Promise<void> {
    const now = this.ctx.clock.now();
    if (this.known !== 'failing') {
      this.ctx.log.info({ reason: fault.code, reply: fault.reply }, 'mail transport failing');
      this.alertDueBy = now.getTime() + this.ctx.config.transportAlertAfterMs;
    }
    this.known = 'failing';
    await markTransportFailing(this.ctx.db, now.toISOString(), storeFault(fault));
    await this.alertOncePerIncident(now, NEEDS_AN_ADMINISTRATOR.has(fault.code) ? 0 : this.ctx.config.transportAlertAfterMs);
  }

  /**
   * While the worker leaves a failing transport alone, no new failure comes to notice that the
   * incident has lasted long enough: this sends the alert when the banner appears, not at the
   * next try, which the back-off may put many minutes later.
   */
  async alertWhenDue(): Promise<boolean> {
    const now = this.ctx.clock.now();
    if (this.known !== 'failing' || now.getTime() < this.alertDueBy) return false;
    this.alertDueBy = Number.POSITIVE_INFINITY;
    return this.alertOncePerIncident(now, this.ctx.config.transportAlertAfterMs);
  }

  /** Whether this wrote the incident's alert. */
  private async alertOncePerIncident(now: Date, afterMs: number): Promise<boolean> {
    const cutoff = new Date(now.getTime() - afterMs).toISOString();
    return this.ctx.db.transaction().execute(async (trx) => {
      if (!(await claimIncidentAlert(trx, now.toISOString(), cutoff))) return false;
      const { settings } = await readMailSettings(trx);
      if (settings.suspensionRecipients.length === 0) return false;
      const organisation = await getOrganisation(trx);
      const state = await readTransportState(trx);
      const locale = organisation.defaultLocale;
      const when = (iso: string | null | undefined) =>
        iso ? formatInZone(new Date(iso), organisation.timeZone, locale) : t(locale, 'alert.never');
      const reason = describeStoredError(locale, state?.last_error_code ?? null, state?.last_error ?? null);
      await enqueueMail(
        this.ctx,
        trx,
        {
          to: settings.suspensionRecipients,
          cc: [],
          bcc: [],
          subject: t(locale, 'alert.subject'),
          text: t(locale, 'alert.body', {
            since: when(state?.failing_since),
            reason: reason?.message ?? '',
            lastSuccess: when(state?.last_success_at),
            hours: Math.round(this.ctx.config.outbox.retryWindowMs / 3_600_000),
          }),
          attachments: [],
        },
        { kind: 'alert' },
      );
      return true;
    });
  }
}

/** The transport's state for /api/health and the admin banner, in the reader's language. */
export async function transportStatus(ctx: AppContext, locale: Locale) {
  const state = await readTransportState(ctx.db);
  if (!state) return { state: 'unknown' as const, banner: false, failingSince: null, lastSuccessAt: null, reason: null };
  const failingFor = state.failing_since ? ctx.clock.now().getTime() - new Date(state.failing_since).getTime() : 0;
  return {
    state: state.state,
    // 再認証が必要 will not heal by waiting, so it shows at once (SPEC §2.5).
    banner:
      state.state === 'failing' &&
      (failingFor >= ctx.config.transportAlertAfterMs || NEEDS_AN_ADMINISTRATOR.has(state.last_error_code ?? '')),
    failingSince: state.failing_since,
    lastSuccessAt: state.last_success_at,
    lastFailureAt: state.last_failure_at,
    reason: state.state === 'failing' ? describeStoredError(locale, state.last_error_code, state.last_error) : null,
  };
}
