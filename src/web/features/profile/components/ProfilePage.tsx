import { useWatch } from 'react-hook-form';
import { changeOwnPasswordRequest, updateMeRequest, type UserView } from '../../../../contracts/accounts';
import { parseAddress, sameAddress } from '../../../../contracts/address';
import { localeChoices, timeZoneChoicesFor } from '../../../shared/components/choices';
import { SelectField, TextField } from '../../../shared/components/fields';
import { PageHeader } from '../../../shared/components/PageHeader';
import { ContractForm, useContractForm } from '../../../shared/forms/use-contract-form';
import { useI18n } from '../../../shared/i18n/i18n';
import { useCurrentUser, useSession } from '../../../shared/session/session';
import { changeOwnPassword, updateOwnProfile } from '../api/profile';

/** Own profile: name, e-mail, language, time zone, password (every user). */
export function ProfilePage() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('profile.title')} />
      <DetailsForm />
      <PasswordForm />
    </>
  );
}

interface DetailsValues {
  displayName: string;
  email: string;
  locale: 'ja' | 'en';
  timeZone: string;
  currentPassword: string;
}

const detailsOf = (user: UserView): DetailsValues => ({
  displayName: user.displayName,
  email: user.email ?? '',
  locale: user.locale,
  timeZone: user.timeZone,
  currentPassword: '',
});

/** A new address, or none, is confirmed with the password: compared as the server compares them (sameAddress). */
function emailChanged(typed: string, user: UserView): boolean {
  const trimmed = typed.trim();
  const parsed = trimmed === '' ? null : parseAddress(trimmed);
  return !sameAddress(parsed === null ? null : parsed.ok ? parsed.address : trimmed, user.email);
}

function DetailsForm() {
  const { t } = useI18n();
  const user = useCurrentUser();
  const { replaceUser } = useSession();
  const contract = useContractForm<DetailsValues>({ schema: updateMeRequest, defaultValues: detailsOf(user) });
  const { form } = contract;
  const typedEmail = useWatch({ control: form.control, name: 'email' });
  const confirming = emailChanged(typedEmail, user);
  const submit = contract.submitWith(async ({ currentPassword, ...details }) => {
    const saved = await updateOwnProfile(confirming ? { ...details, currentPassword } : details);
    form.reset(detailsOf(saved));
    // Language and time zone apply at once: the screen re-renders in the chosen language.
    replaceUser(saved);
    return t('common.saved');
  });
  return (
    <section aria-labelledby="profile-details">
      <h2 id="profile-details">{t('profile.details')}</h2>
      <ContractForm contract={contract} onSubmit={submit} submitLabel={t('common.save')}>
        <TextField name="displayName" label={t('profile.display_name')} autoComplete="name" />
        <TextField name="email" label={t('profile.email')} hint={t('profile.email_hint')} type="email" autoComplete="email" />
        {confirming && (
          <TextField name="currentPassword" label={t('profile.email_password')} hint={t('profile.email_password_hint')} type="password" autoComplete="current-password" />
        )}
        <SelectField name="locale" label={t('profile.locale')} choices={localeChoices(t)} />
        <SelectField name="timeZone" label={t('profile.time_zone')} hint={t('common.time_zone_hint')} choices={timeZoneChoicesFor(user.timeZone)} />
      </ContractForm>
    </section>
  );
}

interface PasswordValues {
  currentPassword: string;
  newPassword: string;
}

function PasswordForm() {
  const { t } = useI18n();
  const contract = useContractForm<PasswordValues>({
    schema: changeOwnPasswordRequest,
    defaultValues: { currentPassword: '', newPassword: '' },
  });
  const submit = contract.submitWith(async (values) => {
    await changeOwnPassword(values);
    contract.form.reset();
    return t('profile.password_changed');
  });
  return (
    <section aria-labelledby="profile-password">
      <h2 id="profile-password">{t('profile.password')}</h2>
      <ContractForm contract={contract} onSubmit={submit} submitLabel={t('profile.change_password')}>
        <TextField name="currentPassword" label={t('profile.current_password')} type="password" autoComplete="current-password" />
        <TextField name="newPassword" label={t('profile.new_password')} hint={t('profile.new_password_hint')} type="password" autoComplete="new-password" />
      </ContractForm>
    </section>
  );
}
