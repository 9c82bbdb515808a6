import { useState } from 'react';
import type { MailSettingsView } from '../../../../contracts/mail-settings';
import { Loading } from '../../../shared/components/Loading';
import { PageHeader } from '../../../shared/components/PageHeader';
import { useLoader } from '../../../shared/api/use-loader';
import { useI18n } from '../../../shared/i18n/i18n';
import { loadMailSettings } from '../api/mail-settings';
import { MailSettingsForm } from './MailSettingsForm';

/** システムの設定 › 環境設定 › メール送信設定 (SPEC §1). */
export function MailSettingsPage() {
  const { t } = useI18n();
  const { state, reload } = useLoader(loadMailSettings, []);
  // After a save the form starts again from what the server stored, saying that it was saved.
  const [saved, setSaved] = useState<MailSettingsView | null>(null);
  return (
    <>
      <PageHeader title={t('mailsettings.title')}>
        <p>{t('mailsettings.intro')}</p>
      </PageHeader>
      <Loading state={state} reload={reload}>
        {(loaded) => {
          const view = saved && saved.version >= loaded.version ? saved : loaded;
          return (
            <MailSettingsForm
              key={view.version}
              view={view}
              justSaved={view === saved}
              onSaved={setSaved}
              onReload={() => {
                setSaved(null);
                reload();
              }}
            />
          );
        }}
      </Loading>
    </>
  );
}
