import { createUserRequest, updateUserRequest, type UserView } from '../../../../contracts/accounts';
import { localeChoices, roleChoices, timeZoneChoicesFor } from '../../../shared/components/choices';
import { CheckboxField, SelectField, TextField } from '../../../shared/components/fields';
import { FormDialog } from '../../../shared/components/FormDialog';
import { changedFields } from '../../../shared/forms/changed-fields';
import { ContractForm, useContractForm } from '../../../shared/forms/use-contract-form';
import { useI18n } from '../../../shared/i18n/i18n';
import { createUser, updateUser } from '../api/users';

interface UserValues {
  loginId: string;
  displayName: string;
  email: string;
  role: 'admin' | 'user';
  locale: 'ja' | 'en';
  timeZone: string;
  password: string;
  active: boolean;
}

const NEW_USER: UserValues = { loginId: '', displayName: '', email: '', role: 'user', locale: 'ja', timeZone: 'Asia/Tokyo', password: '', active: true };

/**
 * The form of a user's own fields only: the whole view (its id and times too) went into the body,
 * which the contract refuses field by field, and as no field showed the refusal, 保存 did nothing.
 */
const valuesOf = ({ loginId, displayName, email, role, locale, timeZone, active }: UserView): UserValues => ({
  ...NEW_USER,
  loginId,
  displayName,
  email: email ?? '',
  role,
  locale,
  timeZone,
  active,
});

/** Adds a user (with a first password) or edits one; login IDs do not change once given. */
export function UserDialog({
  user,
  defaults,
  onDone,
  onCancel,
}: {
  user: UserView | null;
  /** A new user's language and time zone: the organisation's defaults once they have loaded. */
  defaults?: Pick<UserValues, 'locale' | 'timeZone'>;
  onDone(message: string): void;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const creating = user === null;
  const contract = useContractForm<UserValues>({
    schema: creating ? createUserRequest : updateUserRequest,
    defaultValues: creating ? { ...NEW_USER, ...defaults } : valuesOf(user),
    toBody: ({ loginId, password, active, ...details }) => (creating ? { loginId, password, ...details } : { ...details, active }),
  });
  const submit = contract.submitWith(async ({ loginId, password, active, ...details }) => {
    if (creating) {
      const created = await createUser({ loginId, password, ...details });
      onDone(t('users.created', { login: created.loginId }));
    } else {
      const updated = await updateUser(user.id, changedFields(contract.form.formState.defaultValues, { ...details, active }));
      onDone(t('users.updated', { login: updated.loginId }));
    }
    return null;
  });
  return (
    <FormDialog title={creating ? t('users.add_title') : t('users.edit_title', { login: user.loginId })} submitting={contract.form.formState.isSubmitting} onCancel={onCancel}>
      {(formId) => (
        <ContractForm contract={contract} id={formId} onSubmit={submit}>
          {creating && <TextField name="loginId" label={t('users.login_id')} autoComplete="off" />}
          <TextField name="displayName" label={t('users.display_name')} />
          <TextField name="email" label={t('users.email')} type="email" />
          <SelectField name="role" label={t('users.role')} choices={roleChoices(t)} />
          <SelectField name="locale" label={t('users.locale')} choices={localeChoices(t)} />
          <SelectField name="timeZone" label={t('users.time_zone')} choices={timeZoneChoicesFor(user?.timeZone ?? defaults?.timeZone ?? NEW_USER.timeZone)} />
          {creating && <TextField name="password" label={t('users.password')} hint={t('users.new_password_hint')} type="password" autoComplete="new-password" />}
          {!creating && <CheckboxField name="active" label={t('users.active_label')} hint={t('users.active_hint')} />}
        </ContractForm>
      )}
    </FormDialog>
  );
}
