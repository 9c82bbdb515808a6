import { useFormContext, useWatch } from 'react-hook-form';
import type { MailSettingsView, SmtpSecurity } from '../../../../contracts/mail-settings';
import { CheckboxField, RadioGroupField, TextField } from '../../../shared/components/fields';
import { Notice } from '../../../shared/components/Notice';
import { useI18n } from '../../../shared/i18n/i18n';
import type { MailSettingsFormValues } from '../model/form-values';
import { SmtpPasswordField } from './SmtpPasswordField';

/** 既定のメールサーバーを使用する: the fields of SPEC §1.3's table, in its order. */
export function SmtpFields({ view, passwordEditing, setPasswordEditing }: { view: MailSettingsView; passwordEditing: boolean; setPasswordEditing(editing: boolean): void }) {
  const { t } = useI18n();
  const { control } = useFormContext<MailSettingsFormValues>();
  const authEnabled = useWatch({ control, name: 'smtp.authEnabled' });
  const skipVerification = useWatch({ control, name: 'smtp.skipCertificateVerification' });
  return (
    <div className="subsection">
      <TextField name="smtp.host" label={t('field.smtp.host')} hint={t('mailsettings.smtp.host_hint')} wide />
      <TextField name="smtp.port" label={t('field.smtp.port')} hint={t('mailsettings.smtp.port_hint')} inputMode="numeric" />
      <RadioGroupField<SmtpSecurity>
        name="smtp.security"
        legend={t('field.smtp.security')}
        choices={[
          { value: 'none', label: t('mailsettings.smtp.security.none'), hint: t('mailsettings.smtp.security.none_hint') },
          { value: 'starttls', label: t('mailsettings.smtp.security.starttls'), hint: t('mailsettings.smtp.security.starttls_hint') },
          { value: 'tls', label: t('mailsettings.smtp.security.tls'), hint: t('mailsettings.smtp.security.tls_hint') },
        ]}
      />
      <RadioGroupField<boolean>
        name="smtp.authEnabled"
        legend={t('field.smtp.authEnabled')}
        inline
        choices={[
          { value: true, label: t('mailsettings.smtp.auth.on') },
          { value: false, label: t('mailsettings.smtp.auth.off') },
        ]}
      >
        {authEnabled && (
          <div className="dependent">
            <TextField name="smtp.username" label={t('field.smtp.username')} autoComplete="off" />
            <SmtpPasswordField view={view} editing={passwordEditing} setEditing={setPasswordEditing} />
          </div>
        )}
      </RadioGroupField>
      <TextField name="senderAddress" label={t('field.senderAddress')} hint={t('mailsettings.sender_hint')} type="email" wide />
      <CheckboxField name="smtp.skipCertificateVerification" label={t('field.smtp.skipCertificateVerification')} />
      {skipVerification && <Notice tone="warning">{t('mailsettings.smtp.skip_verification_warning')}</Notice>}
    </div>
  );
}
