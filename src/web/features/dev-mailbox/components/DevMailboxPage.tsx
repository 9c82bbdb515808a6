import { useState } from 'react';
import type { DevMailboxList } from '../../../../contracts/dev-mailbox';
import { ConfirmDialog } from '../../../shared/components/ConfirmDialog';
import { Loading } from '../../../shared/components/Loading';
import { Notice } from '../../../shared/components/Notice';
import { PageHeader } from '../../../shared/components/PageHeader';
import { useLoader } from '../../../shared/api/use-loader';
import { DataTable } from '../../../shared/components/DataTable';
import { useI18n } from '../../../shared/i18n/i18n';
import { Time } from '../../../shared/i18n/Time';
import { clearDevMailbox, listDevMail } from '../api/dev-mailbox';
import { DevMailView } from './DevMailView';

/** 開発用メールボックス (SPEC §2.6): what Tayori sent, kept instead of delivered, for development only. */
export function DevMailboxPage() {
  const { t } = useI18n();
  const { state, reload } = useLoader(listDevMail, []);
  const [openId, setOpenId] = useState<string | null>(null);
  const [clearing, setClearing] = useState(false);
  const [cleared, setCleared] = useState(false);
  const clear = async () => {
    setClearing(false);
    await clearDevMailbox();
    setOpenId(null);
    setCleared(true);
    reload();
  };
  return (
    <>
      <PageHeader title={t('devmail.title')}>
        <p>{t('devmail.intro')}</p>
      </PageHeader>
      {cleared && (
        <Notice tone="success" live>
          {t('devmail.cleared')}
        </Notice>
      )}
      <div className="toolbar">
        <button type="button" className="button" onClick={reload}>
          {t('devmail.refresh')}
        </button>
        <button type="button" className="button danger" onClick={() => setClearing(true)}>
          {t('devmail.clear')}
        </button>
      </div>
      <Loading state={state} reload={reload}>
        {(list) => <MailList list={list} openId={openId} onOpen={setOpenId} />}
      </Loading>
      {openId && <DevMailView key={openId} id={openId} />}
      {clearing && (
        <ConfirmDialog title={t('devmail.clear_title')} confirmLabel={t('devmail.clear')} danger onConfirm={clear} onCancel={() => setClearing(false)}>
          <p>{t('devmail.clear_body')}</p>
        </ConfirmDialog>
      )}
    </>
  );
}

function MailList({ list, openId, onOpen }: { list: DevMailboxList; openId: string | null; onOpen(id: string): void }) {
  const { t } = useI18n();
  if (list.messages.length === 0) return <p>{t('common.empty')}</p>;
  return (
    <DataTable caption={t('devmail.title')} columns={[t('devmail.received'), t('devmail.from'), t('devmail.to'), t('devmail.subject')]}>
      {list.messages.map((mail) => (
        <tr key={mail.id}>
          <td>
            <Time iso={mail.received} />
          </td>
          <td>{mail.from ?? '—'}</td>
          <td className="addresses">{mail.to.join(', ')}</td>
          <th scope="row">
            {/* The mail shown below is the current one; a toggle button ("pressed") it is not. */}
            <button type="button" className="link-button" onClick={() => onOpen(mail.id)} aria-current={mail.id === openId ? 'true' : undefined}>
              {mail.subject ?? t('devmail.no_subject')}
            </button>
          </th>
        </tr>
      ))}
    </DataTable>
  );
}
