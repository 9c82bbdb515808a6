import { Fragment, useId } from 'react';
import { type MonitorStatusView, THREAD_KINDS } from '../../../../contracts/monitoring';
import { Loading } from '../../../shared/components/Loading';
import { useLoader } from '../../../shared/api/use-loader';
import { useI18n } from '../../../shared/i18n/i18n';
import { Time } from '../../../shared/i18n/Time';
import { loadMonitorStatus } from '../api/monitoring';
import { useMonitoringText } from './use-monitoring-text';

/** 監視の状態: whether an instance is monitoring, its last and next look, each kind's last digest mail. */
export function MonitorStatus({ refreshed }: { refreshed: number }) {
  const mt = useMonitoringText();
  const headingId = useId();
  const { state, reload } = useLoader(loadMonitorStatus, [refreshed]);
  return (
    <section className="monitoring-part" aria-labelledby={headingId}>
      <h2 id={headingId}>{mt('monitor.title')}</h2>
      <Loading state={state} reload={reload}>
        {(status) => <StatusLists status={status} />}
      </Loading>
    </section>
  );
}

function StatusLists({ status }: { status: MonitorStatusView }) {
  const { t } = useI18n();
  const mt = useMonitoringText();
  return (
    <>
      <dl className="read-only monitor-status">
        <dt>{mt('monitor.leader')}</dt>
        <dd className={status.leader ? undefined : 'no-leader'}>{status.leader ? mt('monitor.leader_held', { leader: status.leader }) : mt('monitor.no_leader')}</dd>
        <dt>{mt('monitor.last_look')}</dt>
        <dd>{status.lastLookAt ? <Time iso={status.lastLookAt} /> : mt('monitor.never_looked')}</dd>
        <dt>{mt('monitor.next_look')}</dt>
        <dd>{status.nextLookAt ? <Time iso={status.nextLookAt} /> : mt('monitor.next_at_once')}</dd>
      </dl>
      <h3>{mt('monitor.last_digests')}</h3>
      <dl className="read-only last-digests">
        {THREAD_KINDS.map((kind) => {
          const digest = status.lastDigests[kind];
          return (
            <Fragment key={kind}>
              <dt>{t(`monitoring.kind.${kind}`)}</dt>
              <dd>
                {digest ? (
                  <>
                    <Time iso={digest.at} /> {mt(digest.suppressed ? 'monitor.digest_runs_suppressed' : 'monitor.digest_runs', { count: digest.runs })}
                  </>
                ) : (
                  mt('monitor.no_digest')
                )}
              </dd>
            </Fragment>
          );
        })}
      </dl>
    </>
  );
}
