import type { MailSettingsView } from '../../../../contracts/mail-settings';
import { useI18n } from '../../../shared/i18n/i18n';

/** SPEC §1.1: whether the operator's managed relay (メール自動設定機能) is in use, stated first. */
export function ModeLine({ view }: { view: MailSettingsView }) {
  const { t } = useI18n();
  const managed = view.mode === 'managed';
  return (
    <section className={`mode-line ${view.mode}`} aria-labelledby="mode-line-heading">
      <h2 id="mode-line-heading">{t('mailsettings.mode.heading')}</h2>
      <p className="mode-state">
        <strong>{managed ? t('mailsettings.mode.managed') : t('mailsettings.mode.custom')}</strong>
      </p>
      <p>{managed ? t('mailsettings.mode.managed_detail') : t('mailsettings.mode.custom_detail')}</p>
      {managed && (
        <dl className="read-only">
          <dt>{t('mailsettings.mode.managed_sender')}</dt>
          <dd>{view.managedSenderAddress}</dd>
        </dl>
      )}
    </section>
  );
}
