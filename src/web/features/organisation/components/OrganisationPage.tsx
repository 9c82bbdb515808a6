import { type OrganisationView, updateOrganisationRequest } from '../../../../contracts/accounts';
import { localeChoices, timeZoneChoicesFor } from '../../../shared/components/choices';
import { SelectField, TextField } from '../../../shared/components/fields';
import { Loading } from '../../../shared/components/Loading';
import { PageHeader } from '../../../shared/components/PageHeader';
import { useLoader } from '../../../shared/api/use-loader';
import { changedFields } from '../../../shared/forms/changed-fields';
import { ContractForm, useContractForm } from '../../../shared/forms/use-contract-form';
import { useI18n } from '../../../shared/i18n/i18n';
import { loadOrganisation, saveOrganisation } from '../api/organisation';

/** 組織設定: the organisation's name, default language and time zone (SPEC §5). */
export function OrganisationPage() {
  const { t } = useI18n();
  const { state, reload } = useLoader(loadOrganisation, []);
  return (
    <>
      <PageHeader title={t('org.title')} />
      <Loading state={state} reload={reload}>
        {(organisation) => <OrganisationForm organisation={organisation} />}
      </Loading>
    </>
  );
}

type OrganisationValues = Omit<OrganisationView, 'updatedAt'>;

function OrganisationForm({ organisation }: { organisation: OrganisationView }) {
  const { t } = useI18n();
  const valuesOf = ({ name, defaultLocale, timeZone }: OrganisationView): OrganisationValues => ({ name, defaultLocale, timeZone });
  const contract = useContractForm<OrganisationValues>({
    schema: updateOrganisationRequest,
    defaultValues: valuesOf(organisation),
  });
  const submit = contract.submitWith(async (values) => {
    contract.form.reset(valuesOf(await saveOrganisation(changedFields(contract.form.formState.defaultValues, values))));
    return t('common.saved');
  });
  return (
    <ContractForm contract={contract} onSubmit={submit} submitLabel={t('common.save')}>
      <TextField name="name" label={t('org.name')} wide />
      <SelectField name="defaultLocale" label={t('org.default_locale')} hint={t('org.default_locale_hint')} choices={localeChoices(t)} />
      <SelectField name="timeZone" label={t('org.time_zone')} hint={t('org.time_zone_hint')} choices={timeZoneChoicesFor(organisation.timeZone)} />
    </ContractForm>
  );
}
