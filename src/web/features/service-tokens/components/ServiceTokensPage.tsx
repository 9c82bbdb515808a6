import { useState } from 'react';
import { createServiceTokenRequest, type ServiceTokenView } from '../../../../contracts/mail';
import { ConfirmDialog } from '../../../shared/components/ConfirmDialog';
import { CopyButton } from '../../../shared/components/CopyButton';
import { TextField } from '../../../shared/components/fields';
import { Loading } from '../../../shared/components/Loading';
import { Notice } from '../../../shared/components/Notice';
import { PageHeader } from '../../../shared/components/PageHeader';
import { useLoader } from '../../../shared/api/use-loader';
import { ContractForm, useContractForm } from '../../../shared/forms/use-contract-form';
import { DataTable } from '../../../shared/components/DataTable';
import { useI18n } from '../../../shared/i18n/i18n';
import { Time } from '../../../shared/i18n/Time';
import { createServiceToken, listServiceTokens, revokeServiceToken } from '../api/service-tokens';

/** サービストークン: tokens for the application's mail API, shown once when created, revocable. */
export function ServiceTokensPage() {
  const { t } = useI18n();
  const { state, reload } = useLoader(listServiceTokens, []);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [revoking, setRevoking] = useState<ServiceTokenView | null>(null);
  const [revoked, setRevoked] = useState<string | null>(null);
  const contract = useContractForm<{ name: string }>({ schema: createServiceTokenRequest, defaultValues: { name: '' } });
  const submit = contract.submitWith(async ({ name }) => {
    const token = await createServiceToken(name);
    setCreated({ name: token.name, token: token.token });
    contract.form.reset();
    reload();
    return null;
  });
  const revoke = async (token: ServiceTokenView) => {
    setRevoking(null);
    await revokeServiceToken(token.id);
    setRevoked(t('tokens.revoked_message', { name: token.name }));
    reload();
  };
  return (
    <>
      <PageHeader title={t('tokens.title')}>
        <p>{t('tokens.intro')}</p>
      </PageHeader>
      {created && (
        <Notice tone="success" live title={t('tokens.created_title', { name: created.name })}>
          <p>{t('tokens.created_once')}</p>
          <p className="token">
            <label htmlFor="created-token">{t('tokens.token')}</label>
            <input id="created-token" className="wide" readOnly value={created.token} onFocus={(event) => event.target.select()} />
            <CopyButton value={created.token} />
          </p>
        </Notice>
      )}
      {revoked && (
        <Notice tone="success" live>
          {revoked}
        </Notice>
      )}
      <ContractForm contract={contract} onSubmit={submit} submitLabel={t('tokens.create')} className="inline-form">
        <TextField name="name" label={t('tokens.name')} hint={t('tokens.name_hint')} />
      </ContractForm>
      <Loading state={state} reload={reload}>
        {(tokens) => <TokensTable tokens={tokens} onRevoke={setRevoking} />}
      </Loading>
      {revoking && (
        <ConfirmDialog title={t('tokens.revoke_title', { name: revoking.name })} confirmLabel={t('tokens.revoke')} danger onConfirm={() => revoke(revoking)} onCancel={() => setRevoking(null)}>
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
    <DataTable caption={t('tokens.title')} columns={[t('tokens.name'), t('tokens.created_at'), t('tokens.created_by'), t('tokens.last_used'), t('tokens.state'), t('users.actions')]}>
      {tokens.map((token) => (
        <tr key={token.id}>
          <th scope="row">{token.name}</th>
          <td>
            <Time iso={token.createdAt} />
          </td>
          <td>{token.createdBy ?? '—'}</td>
          <td>{token.lastUsedAt ? <Time iso={token.lastUsedAt} /> : t('tokens.never_used')}</td>
          <td>{token.revokedAt ? <RevokedAt iso={token.revokedAt} /> : t('tokens.active')}</td>
          <td className="actions">
            {!token.revokedAt && (
              <button type="button" className="button small danger" onClick={() => onRevoke(token)} aria-label={`${t('tokens.revoke')}: ${token.name}`}>
                {t('tokens.revoke')}
              </button>
            )}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

function RevokedAt({ iso }: { iso: string }) {
  const { t, formatTime } = useI18n();
  return <>{t('tokens.revoked', { time: formatTime(iso) })}</>;
}
