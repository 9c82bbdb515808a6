import { useId } from 'react';
import type { MailSettingsView } from '../../../../../contracts/mail-settings';
import { CopyButton } from '../../../../shared/components/CopyButton';
import { useI18n } from '../../../../shared/i18n/i18n';

/**
 * SPEC §1.3 step 1: the link to the Google APIs console and, read-only with copy buttons, the two
 * values the admin registers there (they come from TAYORI_PUBLIC_URL, so they never change here).
 */
export function GmailRegistration({ registration }: { registration: MailSettingsView['gmailRegistration'] }) {
  const { t } = useI18n();
  return (
    <>
      <p>
        {t('mailsettings.gmail.console_intro')}{' '}
        <a href={registration.consoleUrl} target="_blank" rel="noopener noreferrer">
          {t('mailsettings.gmail.console_link')}
          <span className="visually-hidden"> {t('mailsettings.gmail.new_tab')}</span>
        </a>
      </p>
      <RegisteredValue label={t('mailsettings.gmail.javascript_origin')} hint={t('mailsettings.gmail.javascript_origin_hint')} value={registration.javascriptOrigin} />
      <RegisteredValue label={t('mailsettings.gmail.redirect_uri')} hint={t('mailsettings.gmail.redirect_uri_hint')} value={registration.redirectUri} />
    </>
  );
}

function RegisteredValue({ label, hint, value }: { label: string; hint: string; value: string }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div id={`${id}-hint`} className="hint">
        {hint}
      </div>
      <p className="registered-value">
        <input id={id} className="wide" readOnly value={value} aria-describedby={`${id}-hint`} onFocus={(event) => event.target.select()} />
        <CopyButton value={value} name={label} />
      </p>
    </div>
  );
}
