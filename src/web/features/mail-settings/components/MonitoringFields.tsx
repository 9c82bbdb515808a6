import { useFormContext, useWatch } from 'react-hook-form';
import { THREAD_KINDS, type ThreadKind } from '../../../../contracts/mail-settings';
import { CheckboxField, RadioGroupField, SelectField, TextField } from '../../../shared/components/fields';
import { useI18n } from '../../../shared/i18n/i18n';
import type { MailSettingsFormValues } from '../model/form-values';
import { FormSection } from '../../../shared/components/FormSection';

const INTERVALS = Array.from({ length: 12 }, (_, index) => (index + 1) * 5);
const HOURS = Array.from({ length: 24 }, (_, index) => index + 1);

/** [バックグラウンド処理通知設定] (SPEC §1.5). */
export function MonitoringFields() {
  const { t } = useI18n();
  return (
    <FormSection title={t('field.monitoring')}>
      <p>{t('mailsettings.monitoring.intro')}</p>
      <SelectField
        name="monitoring.intervalMinutes"
        label={t('field.monitoring.intervalMinutes')}
        hint={t('mailsettings.monitoring.interval_hint')}
        numeric
        choices={INTERVALS.map((minutes) => ({ value: minutes, label: t('mailsettings.monitoring.minutes', { minutes }) }))}
      />
      <TextField name="monitoring.recipients" label={t('field.monitoring.recipients')} hint={t('mailsettings.recipients_hint')} wide />
      {THREAD_KINDS.map((kind) => (
        <ThreadKindFields key={kind} kind={kind} />
      ))}
    </FormSection>
  );
}

/** One thread kind: 有効 / 無効, the outcomes to report, and its own 長時間 threshold once 長時間 is ticked. */
function ThreadKindFields({ kind }: { kind: ThreadKind }) {
  const { t } = useI18n();
  const { control } = useFormContext<MailSettingsFormValues>();
  const longRunning = useWatch({ control, name: `monitoring.kinds.${kind}.longRunning` });
  const path = `monitoring.kinds.${kind}` as const;
  return (
    <RadioGroupField<boolean>
      name={`${path}.enabled`}
      legend={t(`field.${path}`)}
      inline
      choices={[
        { value: true, label: t('mailsettings.monitoring.enabled') },
        { value: false, label: t('mailsettings.monitoring.disabled') },
      ]}
    >
      <fieldset className="outcomes">
        <legend>{t('mailsettings.monitoring.outcomes')}</legend>
        <CheckboxField name={`${path}.normalEnd`} label={t('mailsettings.monitoring.normal_end')} />
        <CheckboxField name={`${path}.abnormalEnd`} label={t('mailsettings.monitoring.abnormal_end')} />
        <CheckboxField name={`${path}.longRunning`} label={t('mailsettings.monitoring.long_running')} />
      </fieldset>
      {longRunning && (
        <SelectField
          name={`${path}.longRunningHours`}
          label={t('mailsettings.monitoring.long_running_hours')}
          hint={t('mailsettings.monitoring.long_running_hours_hint')}
          numeric
          choices={HOURS.map((hours) => ({ value: hours, label: hours === 1 ? t('mailsettings.monitoring.one_hour') : t('mailsettings.monitoring.hours', { hours }) }))}
        />
      )}
    </RadioGroupField>
  );
}
