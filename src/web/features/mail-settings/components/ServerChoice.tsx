import { useState } from 'react';
import type { MailSettingsView, ServerKind } from '../../../../contracts/mail-settings';
import { ConfirmDialog } from '../../../shared/components/ConfirmDialog';
import { RadioGroupField } from '../../../shared/components/fields';
import { useI18n } from '../../../shared/i18n/i18n';

/**
 * [メールサーバーの設定]: changing the choice asks first in a popup (SPEC §1.3); キャンセル and Esc
 * leave the choice as it was.
 */
export function ServerChoice({ view }: { view: MailSettingsView }) {
  const { t } = useI18n();
  const [pending, setPending] = useState<{ value: ServerKind; take: () => void } | null>(null);
  // Saving 既定 deletes a stored client, also one saved by [認証情報を取得] before Gmail was saved as the server.
  const { gmail } = view.settings;
  const gmailSaved = gmail.clientId !== null || gmail.clientSecretSet || gmail.locked;
  return (
    <>
      <RadioGroupField<ServerKind>
        name="server"
        legend={t('field.server')}
        choices={[
          { value: 'smtp', label: t('mailsettings.server.smtp') },
          { value: 'gmail', label: t('mailsettings.server.gmail') },
        ]}
        onChoose={(value, take) => setPending({ value, take })}
      />
      {pending && (
        <ConfirmDialog
          title={t('mailsettings.server.confirm_title')}
          onConfirm={() => {
            pending.take();
            setPending(null);
          }}
          onCancel={() => setPending(null)}
        >
          <p>{pending.value === 'gmail' ? t('mailsettings.server.confirm_gmail') : t('mailsettings.server.confirm_smtp')}</p>
          {pending.value === 'smtp' && gmailSaved && <p>{t('mailsettings.server.confirm_gmail_deleted')}</p>}
        </ConfirmDialog>
      )}
    </>
  );
}
