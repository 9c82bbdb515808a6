import type { MailSettingsView } from '../../../../contracts/mail-settings';
import { TextField } from '../../../shared/components/fields';
import { Notice } from '../../../shared/components/Notice';
import { useI18n } from '../../../shared/i18n/i18n';

/**
 * Gmailを使用する, as far as the API goes today: the client ([Client ID], write-only [Client
 * secret]), read-only once locked, and the authorisation state. The Gmail issue adds the values
 * to register at Google, [認証情報を取得] and 再認証 here (SPEC §1.3 steps 1–7).
 */
export function GmailFields({ view }: { view: MailSettingsView }) {
  const { t, formatTime } = useI18n();
  const gmail = view.settings.gmail;
  const state =
    gmail.state === 'authorised'
      ? t('mailsettings.gmail.state.authorised', { account: gmail.accountEmail ?? '', time: gmail.authorisedAt ? formatTime(gmail.authorisedAt) : '' })
      : t(`mailsettings.gmail.state.${gmail.state}`);
  return (
    <div className="subsection">
      <dl className="read-only">
        <dt>{t('mailsettings.gmail.state')}</dt>
        <dd>{state}</dd>
      </dl>
      {gmail.locked && <Notice tone="info">{t('mailsettings.gmail.locked')}</Notice>}
      <TextField name="gmail.clientId" label={t('field.gmail.clientId')} readOnly={gmail.locked} wide />
      {gmail.locked && gmail.clientSecretSet ? (
        <dl className="read-only">
          <dt>{t('field.gmail.clientSecret')}</dt>
          <dd>{t('mailsettings.smtp.password_set')}</dd>
        </dl>
      ) : (
        <TextField
          name="gmail.clientSecret"
          type="password"
          autoComplete="new-password"
          label={t('field.gmail.clientSecret')}
          hint={gmail.clientSecretSet ? `${t('mailsettings.smtp.password_set')}: ${t('mailsettings.smtp.password_write_only')}` : t('mailsettings.smtp.password_write_only')}
          wide
        />
      )}
      <TextField name="senderAddress" label={t('field.senderAddress')} hint={t('mailsettings.gmail.sender_hint')} type="email" wide />
    </div>
  );
}
