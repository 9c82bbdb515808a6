import { useEffect, useId } from 'react';
import { get, useFormContext, useWatch } from 'react-hook-form';
import type { MailSettingsView } from '../../../../contracts/mail-settings';
import { FieldError, TextField } from '../../../shared/components/fields';
import { Notice } from '../../../shared/components/Notice';
import { useI18n } from '../../../shared/i18n/i18n';
import { type MailSettingsFormValues, savedPasswordWillBeCleared } from '../model/form-values';

/**
 * [認証パスワード], write-only (SPEC §1.3): a saved password is never shown, only 「設定済み」 with
 * a 変更 button. The field says when the saved one will be cleared, and says it again the moment
 * the admin changes something that clears it.
 */
export function SmtpPasswordField({ view, editing, setEditing }: { view: MailSettingsView; editing: boolean; setEditing(editing: boolean): void }) {
  const { t } = useI18n();
  const id = useId();
  const { control, setValue, setFocus, formState } = useFormContext<MailSettingsFormValues>();
  const values = useWatch({ control }) as MailSettingsFormValues;
  const passwordSet = view.settings.smtp.passwordSet;
  const willClear = savedPasswordWillBeCleared(values, view);
  const error = (get(formState.errors, 'smtp.password') as { message?: string } | undefined)?.message;

  useEffect(() => {
    if (editing && passwordSet) setFocus('smtp.password');
  }, [editing, passwordSet, setFocus]);

  const rule = passwordSet && <p>{t('mailsettings.smtp.password_cleared_rule')}</p>;
  const warning = willClear && (
    <Notice tone="warning" live>
      {t('mailsettings.smtp.password_will_clear')}
    </Notice>
  );

  if (passwordSet && !editing) {
    return (
      <div className="field" role="group" aria-labelledby={`${id}-label`} aria-describedby={`${id}-hint`} data-invalid={error ? true : undefined}>
        <span id={`${id}-label`} className="label">
          {t('field.smtp.password')}
        </span>
        <p className="secret-state">
          <strong>{t('mailsettings.smtp.password_set')}</strong>{' '}
          <button type="button" className="button" onClick={() => setEditing(true)} aria-describedby={error ? `${id}-error` : undefined}>
            {t('mailsettings.smtp.password_change')}
          </button>
        </p>
        <div id={`${id}-hint`} className="hint">
          {rule}
        </div>
        {warning}
        <FieldError id={`${id}-error`} message={error} />
      </div>
    );
  }
  return (
    <div className="secret-edit">
      <TextField
        name="smtp.password"
        type="password"
        autoComplete="new-password"
        label={t('field.smtp.password')}
        hint={
          <>
            <p>{t('mailsettings.smtp.password_write_only')}</p>
            {rule}
          </>
        }
      />
      {warning}
      {passwordSet && (
        <button
          type="button"
          className="button"
          onClick={() => {
            setValue('smtp.password', '', { shouldDirty: true });
            setEditing(false);
          }}
        >
          {t('mailsettings.smtp.password_keep')}
        </button>
      )}
    </div>
  );
}
