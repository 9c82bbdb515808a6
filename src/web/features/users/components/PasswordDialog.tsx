import { FormProvider } from 'react-hook-form';
import { setPasswordRequest, type UserView } from '../../../../contracts/accounts';
import { TextField } from '../../../shared/components/fields';
import { FormDialog } from '../../../shared/components/FormDialog';
import { OutcomeNotice, useContractForm } from '../../../shared/forms/use-contract-form';
import { useI18n } from '../../../shared/i18n/i18n';
import { setUserPassword } from '../api/users';

/** An administrator sets a new password for a user; the user's sessions end. */
export function PasswordDialog({ user, onDone, onCancel }: { user: UserView; onDone(message: string): void; onCancel(): void }) {
  const { t } = useI18n();
  const { form, element, outcome, submitWith } = useContractForm<{ password: string }>({ schema: setPasswordRequest, defaultValues: { password: '' } });
  const submit = submitWith(async ({ password }) => {
    await setUserPassword(user.id, password);
    onDone(t('users.password_set', { login: user.loginId }));
    return '';
  });
  return (
    <FormDialog title={t('users.password_title', { login: user.loginId })} submitting={form.formState.isSubmitting} onCancel={onCancel}>
      {(formId) => (
        <>
          <OutcomeNotice outcome={outcome} />
          <FormProvider {...form}>
            <form id={formId} ref={element} onSubmit={submit} noValidate>
              <TextField name="password" label={t('users.password')} hint={t('users.password_hint')} type="password" autoComplete="new-password" />
            </form>
          </FormProvider>
        </>
      )}
    </FormDialog>
  );
}
