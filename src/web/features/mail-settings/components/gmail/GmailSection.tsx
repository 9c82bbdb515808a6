import { useEffect, useId, useState } from 'react';
import type { MailSettingsView } from '../../../../../contracts/mail-settings';
import { TextField } from '../../../../shared/components/fields';
import { Notice } from '../../../../shared/components/Notice';
import { useI18n } from '../../../../shared/i18n/i18n';
import { useRouter } from '../../../../shared/router/router';
import { gmailOutcomeOf } from '../../model/gmail-outcome';
import type { GmailView } from '../../model/gmail-setup';
import { GmailAuthorisation } from './GmailAuthorisation';
import { GmailRegistration } from './GmailRegistration';

export interface GmailSectionProps {
  view: MailSettingsView;
  gmail: GmailView;
  leaveSite(url: string): void;
}

/**
 * Gmailを使用する (SPEC §1.3 steps 1–6, in the seed's order): how the return from Google went,
 * what to register at Google, the client ([Client ID], write-only [Client secret]; read-only
 * once [認証情報を取得] was pressed), the authorisation and its button, and the sender, which
 * must be the authorised account.
 */
export function GmailSection({ view, gmail, leaveSite }: GmailSectionProps) {
  const { t } = useI18n();
  const id = useId();
  // The return from Google (always to this part: the client is locked, so Gmail is chosen) is
  // stated until the form is saved; the address loses it at once, so a reload does not repeat it.
  const { location, go } = useRouter();
  const [outcome] = useState(() => gmailOutcomeOf(location.search));
  useEffect(() => {
    if (location.search.has('gmail')) go(location.path, { replace: true });
  }, [location, go]);
  return (
    <div className="subsection">
      {outcome && (
        <Notice tone={outcome.authorised ? 'success' : 'error'} live title={t('gmail.outcome.title')}>
          <p>{outcome.authorised ? t('gmail.outcome.authorised') : t(`gmail.outcome.${outcome.reason}`, { error: outcome.googleError })}</p>
        </Notice>
      )}
      <GmailRegistration registration={view.gmailRegistration} />
      <Notice tone="warning">{t('mailsettings.gmail.testing_warning')}</Notice>
      {gmail.locked && view.settings.server !== 'gmail' && <Notice tone="info">{t('mailsettings.gmail.not_yet_used')}</Notice>}
      {gmail.locked && <Notice tone="info">{t('mailsettings.gmail.locked')}</Notice>}
      <TextField name="gmail.clientId" label={t('field.gmail.clientId')} readOnly={gmail.locked} wide />
      {gmail.locked && gmail.clientSecretSet ? (
        <div className="field" role="group" aria-labelledby={`${id}-secret`}>
          <span id={`${id}-secret`} className="label">
            {t('field.gmail.clientSecret')}
          </span>
          <p className="secret-state">
            <strong>{t('mailsettings.smtp.password_set')}</strong>
          </p>
        </div>
      ) : (
        <TextField
          name="gmail.clientSecret"
          type="password"
          autoComplete="new-password"
          label={t('field.gmail.clientSecret')}
          hint={gmail.clientSecretSet ? `${t('mailsettings.smtp.password_set')}: ${t('mailsettings.gmail.secret_write_only')}` : t('mailsettings.gmail.secret_write_only')}
          wide
        />
      )}
      <GmailAuthorisation gmail={gmail} leaveSite={leaveSite} />
      <TextField
        name="senderAddress"
        label={t('field.senderAddress')}
        hint={gmail.accountEmail ? t('mailsettings.gmail.sender_is_account', { account: gmail.accountEmail }) : t('mailsettings.gmail.sender_hint')}
        type="email"
        wide
      />
    </div>
  );
}
