import { useState } from 'react';
import { DELIVERY_STATES, type DeliveryState, type DeliveryView, MAIL_KINDS, type MailKind } from '../../../../contracts/mail';
import { Loading } from '../../../shared/components/Loading';
import { PageHeader } from '../../../shared/components/PageHeader';
import { Pager, useCursorPages } from '../../../shared/components/Pager';
import { useLoader } from '../../../shared/api/use-loader';
import { useI18n } from '../../../shared/i18n/i18n';
import { Time } from '../../../shared/i18n/Time';
import { type DeliveryFilter, loadDeliveries } from '../api/deliveries';

/** 配信ログ (SPEC §2.1): each mail's state, attempts, last error in the reader's language and the server's reply. */
export function DeliveriesPage() {
  const { t } = useI18n();
  const [filter, setFilter] = useState<DeliveryFilter>({});
  const pages = useCursorPages();
  const { state, reload } = useLoader(() => loadDeliveries(filter, pages.cursor), [filter, pages.cursor]);
  const choose = (next: DeliveryFilter) => {
    setFilter(next);
    pages.restart();
  };
  return (
    <>
      <PageHeader title={t('deliveries.title')}>
        <p>{t('deliveries.intro')}</p>
      </PageHeader>
      <form className="filters" aria-label={t('common.filter')} onSubmit={(event) => event.preventDefault()}>
        <label>
          {t('deliveries.state')}
          <select value={filter.state ?? ''} onChange={(event) => choose({ ...filter, state: (event.target.value || undefined) as DeliveryState | undefined })}>
            <option value="">{t('common.all')}</option>
            {DELIVERY_STATES.map((value) => (
              <option key={value} value={value}>
                {t(`deliveries.state.${value}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('deliveries.kind')}
          <select value={filter.kind ?? ''} onChange={(event) => choose({ ...filter, kind: (event.target.value || undefined) as MailKind | undefined })}>
            <option value="">{t('common.all')}</option>
            {MAIL_KINDS.map((value) => (
              <option key={value} value={value}>
                {t(`deliveries.kind.${value}`)}
              </option>
            ))}
          </select>
        </label>
      </form>
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
    <div className="table-wrap">
      <table className="deliveries">
        <caption className="visually-hidden">{t('deliveries.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('deliveries.created')}</th>
            <th scope="col">{t('deliveries.kind')}</th>
            <th scope="col">{t('deliveries.to')}</th>
            <th scope="col">{t('deliveries.subject')}</th>
            <th scope="col">{t('deliveries.state')}</th>
            <th scope="col">{t('deliveries.attempts')}</th>
            <th scope="col">{t('deliveries.last_error')}</th>
            <th scope="col">{t('deliveries.finished')}</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((delivery) => (
            <tr key={delivery.id} data-state={delivery.state}>
              <td>
                <Time iso={delivery.createdAt} />
              </td>
              <td>{isMailKind(delivery.kind) ? t(`deliveries.kind.${delivery.kind}`) : delivery.kind}</td>
              <td className="addresses">{delivery.to}</td>
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
                {delivery.finishedAt ? (
                  <Time iso={delivery.finishedAt} />
                ) : (
                  delivery.nextAttemptAt && <span>{t('deliveries.next_attempt', { time: '' })}<Time iso={delivery.nextAttemptAt} /></span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
