import { setPasswordRequest, type UserView } from '../../../../contracts/accounts';
import { TextField } from '../../../shared/components/fields';
import { FormDialog } from '../../../shared/components/FormDialog';
import { ContractForm, useContractForm } from '../../../shared/forms/use-contract-form';
import { useI18n } from '../../../shared/i18n/i18n';
import { setUserPassword } from '../api/users';

/** An administrator sets a new password for a user; the user's sessions end. */
export function PasswordDialog({ user, onDone, onCancel }: { user: UserView; onDone(message: string): void; onCancel(): void }) {
  const { t } = useI18n();
  const contract = useContractForm<{ password: string }>({ schema: setPasswordRequest, defaultValues: { password: '' } });
  const submit = contract.submitWith(async ({ password }) => {
    await setUserPassword(user.id, password);
    onDone(t('users.password_set', { login: user.loginId }));
    return null;
  });
  return (
    <FormDialog title={t('users.password_title', { login: user.loginId })} submitting={contract.form.formState.isSubmitting} onCancel={onCancel}>
      {(formId) => (
        <ContractForm contract={contract} id={formId} onSubmit={submit}>
          <TextField name="password" label={t('users.password')} hint={t('users.password_hint')} type="password" autoComplete="new-password" />
        </ContractForm>
      )}
    </FormDialog>
  );
}
