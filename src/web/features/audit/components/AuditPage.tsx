import { AUDIT_ACTIONS, type AuditAction, type AuditEntryView } from '../../../../contracts/audit';
import { DataTable } from '../../../shared/components/DataTable';
import { FilterChoice } from '../../../shared/components/FilterChoice';
import { FilterOutcome } from '../../../shared/components/FilterOutcome';
import { Loading } from '../../../shared/components/Loading';
import { PageHeader } from '../../../shared/components/PageHeader';
import { Pager, useFilteredPages } from '../../../shared/components/Pager';
import { type I18n, useI18n } from '../../../shared/i18n/i18n';
import { Time } from '../../../shared/i18n/Time';
import { loadAuditEntries } from '../api/audit';
import { AuditDetails } from './AuditDetails';

/** An action's name in the reader's language; an entry of an action this version does not know (a newer instance's) shows as recorded. */
function actionName(action: string, { t, has }: I18n): string {
  const key = `audit.action.${action}`;
  return has(key) ? t(key) : action;
}

/**
 * The settings an action changed, by the name of their page: the target of these actions is an
 * internal name (`mail_settings`); of the others, a login ID or a token's name, shown as recorded.
 */
const SETTINGS_OF_ACTION: Partial<Record<string, 'mail_settings' | 'organisation' | 'lockout_policy'>> = {
  'settings.mail.update': 'mail_settings',
  'gmail.authorised': 'mail_settings',
  'gmail.reauth_required': 'mail_settings',
  'organisation.update': 'organisation',
  'settings.lockout.update': 'lockout_policy',
};

function targetName(entry: AuditEntryView, { t }: I18n): string {
  const settings = SETTINGS_OF_ACTION[entry.action];
  if (settings && entry.target === settings) return t(`audit.target.${settings}`);
  return entry.target ?? '—';
}

const loadOfAction = (action: AuditAction | undefined, cursor: string | undefined) => loadAuditEntries(action ?? '', cursor);

/** 監査ログ (SPEC §6): who changed what and when, secrets masked. */
export function AuditPage() {
  const i18n = useI18n();
  const { t } = i18n;
  // Chosen by its name in the reader's language: a box to type the action's code in found
  // nothing for 「アカウント停止」, only for `account.suspend`.
  const { filter, choose, filtered, pages, state, reload } = useFilteredPages(undefined, loadOfAction);
  return (
    <>
      <PageHeader title={t('audit.title')}>
        <p>{t('audit.intro')}</p>
      </PageHeader>
      <form className="filters" aria-label={t('common.filter')} onSubmit={(event) => event.preventDefault()}>
        <FilterChoice label={t('audit.action')} value={filter} choices={AUDIT_ACTIONS.map((value) => ({ value, label: actionName(value, i18n) }))} onChange={choose} />
      </form>
      <FilterOutcome state={state} count={(data) => data.entries.length} active={filtered} />
      <Loading state={state} reload={reload}>
        {({ entries, nextCursor }) => (
          <>
            <AuditTable entries={entries} />
            <Pager pages={pages} nextCursor={nextCursor} />
          </>
        )}
      </Loading>
    </>
  );
}

function AuditTable({ entries }: { entries: AuditEntryView[] }) {
  const i18n = useI18n();
  const { t } = i18n;
  if (entries.length === 0) return <p>{t('common.empty')}</p>;
  return (
    <DataTable caption={t('audit.title')} columns={[t('audit.at'), t('audit.actor'), t('audit.action'), t('audit.target'), t('audit.details'), t('audit.ip')]} className="audit">
      {entries.map((entry) => (
        <tr key={entry.id}>
          <td>
            <Time iso={entry.at} />
          </td>
          <td>{entry.actor === null || entry.actor === 'system' ? t('audit.system') : entry.actor}</td>
          <th scope="row">
            {actionName(entry.action, i18n)}
            <br />
            <code>{entry.action}</code>
          </th>
          <td>{targetName(entry, i18n)}</td>
          <td>
            <AuditDetails action={entry.action} details={entry.details} />
          </td>
          <td>{entry.ip ?? '—'}</td>
        </tr>
      ))}
    </DataTable>
  );
}
