import { useId } from 'react';
import { RUN_STATES, type RunView, THREAD_KINDS } from '../../../../contracts/monitoring';
import { durationOf } from '../../../../i18n/duration';
import { DataTable } from '../../../shared/components/DataTable';
import { FilterChoice } from '../../../shared/components/FilterChoice';
import { FilterOutcome } from '../../../shared/components/FilterOutcome';
import { Loading } from '../../../shared/components/Loading';
import { Pager, useFilteredPages } from '../../../shared/components/Pager';
import { type Translate, useI18n } from '../../../shared/i18n/i18n';
import { Time } from '../../../shared/i18n/Time';
import { loadRuns, type RunState } from '../api/monitoring';
import { type MonitoringText, useMonitoringText } from './use-monitoring-text';

/** 処理の一覧: the runs, newest first, filtered by kind and outcome, a page at a time. */
export function RunsList({ refreshed }: { refreshed: number }) {
  const { t } = useI18n();
  const mt = useMonitoringText();
  const headingId = useId();
  const { filter, choose, filtered, pages, state, reload } = useFilteredPages({}, loadRuns, [refreshed]);
  return (
    <section className="monitoring-part" aria-labelledby={headingId}>
      <h2 id={headingId}>{mt('runs.title')}</h2>
      <p>{mt('runs.intro')}</p>
      <form className="filters" aria-label={t('common.filter')} onSubmit={(event) => event.preventDefault()}>
        <FilterChoice
          label={mt('runs.kind')}
          value={filter.kind}
          choices={THREAD_KINDS.map((value) => ({ value, label: t(`monitoring.kind.${value}`) }))}
          onChange={(kind) => choose({ ...filter, kind })}
        />
        <FilterChoice
          label={mt('runs.outcome')}
          value={filter.outcome}
          choices={RUN_STATES.map((value) => ({ value, label: stateLabel(value, t, mt) }))}
          onChange={(outcome) => choose({ ...filter, outcome })}
        />
      </form>
      <FilterOutcome state={state} count={(data) => data.runs.length} active={filtered} />
      <Loading state={state} reload={reload}>
        {({ runs, nextCursor }) => (
          <>
            <RunsTable runs={runs} />
            <Pager pages={pages} nextCursor={nextCursor} />
          </>
        )}
      </Loading>
    </section>
  );
}

/** 正常終了 / 異常終了 as the digest mail says them, or 実行中. */
function stateLabel(state: RunState, t: Translate, mt: MonitoringText): string {
  return state === 'running' ? mt('runs.running') : t(`monitoring.notice.${state}`);
}

function RunsTable({ runs }: { runs: RunView[] }) {
  const { t } = useI18n();
  const mt = useMonitoringText();
  if (runs.length === 0) return <p>{t('common.empty')}</p>;
  const columns = [mt('runs.kind'), mt('runs.name'), mt('runs.started'), mt('runs.ended'), mt('runs.outcome'), mt('runs.error'), mt('runs.notice')];
  return (
    <DataTable caption={mt('runs.title')} columns={columns} className="runs">
      {runs.map((run) => (
        <tr key={run.id} data-outcome={run.outcome ?? 'running'}>
          <td>{t(`monitoring.kind.${run.kind}`)}</td>
          <th scope="row">{run.name}</th>
          <td>
            <Time iso={run.startedAt} />
          </td>
          <td>
            <RunEnd run={run} />
          </td>
          <td>
            <RunOutcome run={run} />
          </td>
          <td>{run.error && <RunError text={run.error} />}</td>
          <td>
            <RunNotices run={run} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

/** The end and how long it took; while running, how long so far and the last heartbeat. */
function RunEnd({ run }: { run: RunView }) {
  const { t, formatTime } = useI18n();
  const mt = useMonitoringText();
  const started = Date.parse(run.startedAt);
  const duration = (ms: number) => {
    const { unit, params } = durationOf(ms);
    return t(`monitoring.duration.${unit}`, params);
  };
  if (run.endedAt) {
    return (
      <>
        <Time iso={run.endedAt} />
        <br />
        {mt('runs.took', { duration: duration(Date.parse(run.endedAt) - started) })}
      </>
    );
  }
  // Marked 異常終了 for lost heartbeats: it has no end, and it is no longer running either (its outcome says why).
  if (run.heartbeatLostAt) return <>—</>;
  return (
    <>
      <p>{mt('runs.elapsed', { duration: duration(Date.now() - started) })}</p>
      {run.lastHeartbeatAt && <p>{mt('runs.last_heartbeat', { time: formatTime(run.lastHeartbeatAt) })}</p>}
    </>
  );
}

/** 正常終了 / 異常終了 / 実行中, and plainly when the monitor gave up on its heartbeats or it finished late. */
function RunOutcome({ run }: { run: RunView }) {
  const { t, formatTime } = useI18n();
  const mt = useMonitoringText();
  const state = run.outcome ?? 'running';
  const lostAt = run.heartbeatLostAt;
  return (
    <>
      <span className={`state ${state}`}>{stateLabel(state, t, mt)}</span>
      {lostAt && !run.lateFinish && (
        <>
          {' '}
          <strong>({mt('runs.heartbeat_lost')})</strong>
          <p>{mt('runs.heartbeat_lost_detail', { time: formatTime(run.lastHeartbeatAt ?? lostAt), lost: formatTime(lostAt) })}</p>
        </>
      )}
      {run.lateFinish && lostAt && <p>{mt('runs.late_finish', { lost: formatTime(lostAt) })}</p>}
    </>
  );
}

/** The error's first line, opened to its whole text (the tail of stderr, a stack). */
function RunError({ text }: { text: string }) {
  const mt = useMonitoringText();
  const firstLine = text.split('\n').find((line) => line.trim() !== '') ?? mt('runs.error');
  return (
    <details className="run-error">
      <summary>{firstLine}</summary>
      <pre>{text}</pre>
    </details>
  );
}

/** An outcome the settings did not watch when the run ended is not to be reported: said at once, not 「次回の監視で確認」. */
function outcomeNoticeOf(run: RunView): 'pending' | 'reported' | 'suppressed' | 'not_reported' | null {
  const { outcome } = run.notices;
  if (run.outcome === null) return null;
  if (outcome.seenAt === null) return outcome.unwatched ? 'not_reported' : 'pending';
  if (outcome.reported) return 'reported';
  return outcome.suppressed ? 'suppressed' : 'not_reported';
}

/** Whether the monitor's digest mail reported the run's outcome (and its 長時間), or will. */
function RunNotices({ run }: { run: RunView }) {
  const mt = useMonitoringText();
  const { longRunning } = run.notices;
  const outcomeNotice = outcomeNoticeOf(run);
  return (
    <>
      {outcomeNotice && <p>{mt(`runs.notice.${outcomeNotice}`)}</p>}
      {longRunning.reported && <p>{mt('runs.notice.long_running_reported')}</p>}
      {longRunning.suppressed && <p>{mt('runs.notice.long_running_suppressed')}</p>}
    </>
  );
}
