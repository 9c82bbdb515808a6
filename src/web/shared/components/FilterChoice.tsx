import { useI18n } from '../i18n/i18n';

/** One filter of a list: すべて, or one of the choices. */
export function FilterChoice<V extends string>({ label, value, choices, onChange }: { label: string; value: V | undefined; choices: { value: V; label: string }[]; onChange(value: V | undefined): void }) {
  const { t } = useI18n();
  return (
    <label>
      {label}
      <select value={value ?? ''} onChange={(event) => onChange((event.target.value || undefined) as V | undefined)}>
        <option value="">{t('common.all')}</option>
        {choices.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
    </label>
  );
}
