import { useId, useState } from 'react';
import { createServiceTokenRequest, type ServiceTokenView } from '../../../../contracts/mail';
import { ConfirmDialog } from '../../../shared/components/ConfirmDialog';
import { TextField } from '../../../shared/components/fields';
import { Loading } from '../../../shared/components/Loading';
import { Notice } from '../../../shared/components/Notice';
import { PageHeader } from '../../../shared/components/PageHeader';
import { OnceShownToken, TokenLifeCells, tokenLifeColumns, useTokenRevocation } from '../../../shared/components/tokens';
import { useLoader } from '../../../shared/api/use-loader';
import { ContractForm, useContractForm } from '../../../shared/forms/use-contract-form';
import { DataTable } from '../../../shared/components/DataTable';
import { useI18n } from '../../../shared/i18n/i18n';
import { createServiceToken, listServiceTokens, revokeServiceToken } from '../api/service-tokens';

/** サービストークン: tokens for the application's mail API, shown once when created, revocable. */
export function ServiceTokensPage() {
  const { t } = useI18n();
  const id = useId();
  const { state, reload } = useLoader(listServiceTokens, []);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const revocation = useTokenRevocation<ServiceTokenView>(revokeServiceToken, reload);
  const contract = useContractForm<{ name: string }>({ schema: createServiceTokenRequest, defaultValues: { name: '' } });
  const submit = contract.submitWith(async ({ name }) => {
    const token = await createServiceToken(name);
    setCreated({ name: token.name, token: token.token });
    contract.form.reset();
    reload();
    return null;
  });
  const { asking, revoked } = revocation;
  return (
    <>
      <PageHeader title={t('tokens.title')}>
        <p>{t('tokens.intro')}</p>
      </PageHeader>
      {created && (
        <Notice tone="success" live title={t('tokens.created_title', { name: created.name })}>
          <p>{t('tokens.created_once')}</p>
          <OnceShownToken id={`${id}-token`} token={created.token} />
        </Notice>
      )}
      {revoked && (
        <Notice tone="success" live>
          {t('tokens.revoked_message', { name: revoked.name })}
        </Notice>
      )}
      <ContractForm contract={contract} onSubmit={submit} submitLabel={t('tokens.create')} className="inline-form">
        <TextField name="name" label={t('tokens.name')} hint={t('tokens.name_hint')} />
      </ContractForm>
      <Loading state={state} reload={reload}>
        {(tokens) => <TokensTable tokens={tokens} onRevoke={revocation.ask} />}
      </Loading>
      {asking && (
        <ConfirmDialog title={t('tokens.revoke_title', { name: asking.name })} confirmLabel={t('tokens.revoke')} danger onConfirm={revocation.confirm} onCancel={revocation.cancel}>
          <p>{t('tokens.revoke_body')}</p>
        </ConfirmDialog>
      )}
    </>
  );
}

function TokensTable({ tokens, onRevoke }: { tokens: ServiceTokenView[]; onRevoke(token: ServiceTokenView): void }) {
  const { t } = useI18n();
  if (tokens.length === 0) return <p>{t('common.empty')}</p>;
  return (
    <DataTable caption={t('tokens.title')} columns={[t('tokens.name'), ...tokenLifeColumns(t)]}>
      {tokens.map((token) => (
        <tr key={token.id}>
          <th scope="row">{token.name}</th>
          <TokenLifeCells token={token} onRevoke={() => onRevoke(token)} />
        </tr>
      ))}
    </DataTable>
  );
}
