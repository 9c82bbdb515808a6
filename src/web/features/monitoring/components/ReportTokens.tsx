import { useId, useState } from 'react';
import { createReportTokenRequest, type ReportTokenView, THREAD_KINDS, type ThreadKind } from '../../../../contracts/monitoring';
import { ConfirmDialog } from '../../../shared/components/ConfirmDialog';
import { DataTable } from '../../../shared/components/DataTable';
import { SelectField, TextField } from '../../../shared/components/fields';
import { Loading } from '../../../shared/components/Loading';
import { Notice } from '../../../shared/components/Notice';
import { TokenLifeCells, tokenLifeColumns, useTokenRevocation } from '../../../shared/components/tokens';
import { useLoader } from '../../../shared/api/use-loader';
import { ContractForm, useContractForm } from '../../../shared/forms/use-contract-form';
import { useI18n } from '../../../shared/i18n/i18n';
import { createReportToken, listReportTokens, revokeReportToken } from '../api/monitoring';
import { CreatedReportToken } from './CreatedReportToken';
import { useMonitoringText } from './use-monitoring-text';

type NewToken = ReportTokenView & { token: string };

/** レポートトークン: one kind each, shown once when created (with the `tayori run` line), revocable. */
export function ReportTokens({ refreshed }: { refreshed: number }) {
  const { t } = useI18n();
  const mt = useMonitoringText();
  const headingId = useId();
  const { state, reload } = useLoader(listReportTokens, [refreshed]);
  const [created, setCreated] = useState<NewToken | null>(null);
  const revocation = useTokenRevocation<ReportTokenView>(revokeReportToken, reload);
  const contract = useContractForm<{ name: string; kind: ThreadKind }>({ schema: createReportTokenRequest, defaultValues: { name: '', kind: THREAD_KINDS[0] } });
  const submit = contract.submitWith(async (request) => {
    setCreated(await createReportToken(request));
    revocation.forget();
    contract.form.reset();
    reload();
    return null;
  });
  const { asking, revoked } = revocation;
  return (
    <section className="monitoring-part" aria-labelledby={headingId}>
      <h2 id={headingId}>{mt('report_tokens.title')}</h2>
      <p>{mt('report_tokens.intro')}</p>
      {created && <CreatedReportToken token={created} />}
      {revoked && (
        <Notice tone="success" live>
          {mt('report_tokens.revoked_message', { name: revoked.name })}
        </Notice>
      )}
      <ContractForm contract={contract} onSubmit={submit} submitLabel={mt('report_tokens.create')} className="inline-form">
        <TextField name="name" label={t('tokens.name')} hint={mt('report_tokens.name_hint')} />
        <SelectField name="kind" label={mt('report_tokens.kind')} choices={THREAD_KINDS.map((kind) => ({ value: kind, label: t(`monitoring.kind.${kind}`) }))} />
      </ContractForm>
      <Loading state={state} reload={reload}>
        {(tokens) => <TokensTable tokens={tokens} onRevoke={revocation.ask} />}
      </Loading>
      {asking && (
        <ConfirmDialog title={mt('report_tokens.revoke_title', { name: asking.name })} confirmLabel={t('tokens.revoke')} danger onConfirm={revocation.confirm} onCancel={revocation.cancel}>
          <p>{mt('report_tokens.revoke_body')}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function TokensTable({ tokens, onRevoke }: { tokens: ReportTokenView[]; onRevoke(token: ReportTokenView): void }) {
  const { t } = useI18n();
  const mt = useMonitoringText();
  if (tokens.length === 0) return <p>{t('common.empty')}</p>;
  return (
    <DataTable caption={mt('report_tokens.title')} columns={[t('tokens.name'), mt('report_tokens.kind'), ...tokenLifeColumns(t)]}>
      {tokens.map((token) => (
        <tr key={token.id}>
          <th scope="row">{token.name}</th>
          <td>{t(`monitoring.kind.${token.kind}`)}</td>
          <TokenLifeCells token={token} onRevoke={() => onRevoke(token)} />
        </tr>
      ))}
    </DataTable>
  );
}
