import { DELIVERY_STATES, type DeliveryView, MAIL_KINDS, type MailKind } from '../../../../contracts/mail';
import { Loading } from '../../../shared/components/Loading';
import { PageHeader } from '../../../shared/components/PageHeader';
import { Pager, useFilteredPages } from '../../../shared/components/Pager';
import { DataTable } from '../../../shared/components/DataTable';
import { FilterChoice } from '../../../shared/components/FilterChoice';
import { FilterOutcome } from '../../../shared/components/FilterOutcome';
import { useI18n } from '../../../shared/i18n/i18n';
import { Time } from '../../../shared/i18n/Time';
import { loadDeliveries } from '../api/deliveries';

/** 配信ログ (SPEC §2.1): each mail's state, attempts, last error in the reader's language and the server's reply. */
export function DeliveriesPage() {
  const { t } = useI18n();
  const { filter, choose, filtered, pages, state, reload } = useFilteredPages({}, loadDeliveries);
  return (
    <>
      <PageHeader title={t('deliveries.title')}>
        <p>{t('deliveries.intro')}</p>
      </PageHeader>
      <form className="filters" aria-label={t('common.filter')} onSubmit={(event) => event.preventDefault()}>
        <FilterChoice
          label={t('deliveries.state')}
          value={filter.state}
          choices={DELIVERY_STATES.map((value) => ({ value, label: t(`deliveries.state.${value}`) }))}
          onChange={(state) => choose({ ...filter, state })}
        />
        <FilterChoice
          label={t('deliveries.kind')}
          value={filter.kind}
          choices={MAIL_KINDS.map((value) => ({ value, label: t(`deliveries.kind.${value}`) }))}
          onChange={(kind) => choose({ ...filter, kind })}
        />
      </form>
      <FilterOutcome state={state} count={(data) => data.deliveries.length} active={filtered} />
      <Loading state={state} reload={reload}>
        {({ deliveries, nextCursor }) => (
          <>
            <DeliveriesTable deliveries={deliveries} />
            <Pager pages={pages} nextCursor={nextCursor} />
          </>
        )}
      </Loading>
    </>
  );
}

const isMailKind = (kind: string): kind is MailKind => (MAIL_KINDS as readonly string[]).includes(kind);

function DeliveriesTable({ deliveries }: { deliveries: DeliveryView[] }) {
  const { t } = useI18n();
  if (deliveries.length === 0) return <p>{t('common.empty')}</p>;
  return (
    <DataTable caption={t('deliveries.title')} columns={[t('deliveries.created'), t('deliveries.kind'), t('deliveries.to'), t('deliveries.subject'), t('deliveries.state'), t('deliveries.attempts'), t('deliveries.last_error'), t('deliveries.finished')]} className="deliveries">
      {deliveries.map((delivery) => (
        <tr key={delivery.id} data-state={delivery.state}>
          <td>
            <Time iso={delivery.createdAt} />
          </td>
          <td>{isMailKind(delivery.kind) ? t(`deliveries.kind.${delivery.kind}`) : delivery.kind}</td>
          <td className="addresses">
            <Recipients delivery={delivery} />
          </td>
          <th scope="row">{delivery.subject}</th>
          <td>
            <span className={`state ${delivery.state}`}>{t(`deliveries.state.${delivery.state}`)}</span>
          </td>
          <td className="number">{delivery.attempts}</td>
          <td>
            {delivery.lastError && (
              <>
                <p>{delivery.lastError.message}</p>
                {delivery.lastError.reply && (
                  <p>
                    {t('deliveries.reply')}: <code>{delivery.lastError.reply}</code>
                  </p>
                )}
              </>
            )}
          </td>
          <td>
            {delivery.finishedAt ? <Time iso={delivery.finishedAt} /> : delivery.nextAttemptAt && <NextAttempt at={delivery.nextAttemptAt} />}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

/**
 * A mail that may go now shows no time: one left due while the server fails (the worker, not the
 * mail, waits) showed a "next attempt" minutes in the past for as long as the outage lasted.
 */
function NextAttempt({ at }: { at: string }) {
  const { t, formatTime } = useI18n();
  return Date.parse(at) <= Date.now() ? t('deliveries.next_attempt_due') : t('deliveries.next_attempt', { time: formatTime(at) });
}

/**
 * To, then Cc and Bcc when there are any: a mail sent again to a Cc recipient the server had put
 * off has no To of its own, and its row showed no recipient at all.
 */
function Recipients({ delivery }: { delivery: DeliveryView }) {
  const { t } = useI18n();
  const copies = [
    { label: t('deliveries.cc'), addresses: delivery.cc },
    { label: t('deliveries.bcc'), addresses: delivery.bcc },
  ].filter((copy) => copy.addresses !== '');
  return (
    <>
      {delivery.to}
      {copies.map((copy) => (
        <span key={copy.label} className="copy-recipients">
          {copy.label}: {copy.addresses}
        </span>
      ))}
    </>
  );
}
