import { useState } from 'react';
import { PageHeader } from '../../../shared/components/PageHeader';
import { useI18n } from '../../../shared/i18n/i18n';
import { Link } from '../../../shared/router/router';
import { MonitorStatus } from './MonitorStatus';
import { ReportTokens } from './ReportTokens';
import { RunsList } from './RunsList';
import { useMonitoringText } from './use-monitoring-text';
import './monitoring.css';

/** スレッド監視 (SPEC §4): the monitor, the runs with their outcomes and errors, the report tokens. */
export function MonitoringPage() {
  const { t } = useI18n();
  const mt = useMonitoringText();
  // Each refresh reads the monitor, the current page of runs and the tokens (when each was last used) again.
  const [refreshed, setRefreshed] = useState(0);
  return (
    <>
      <PageHeader title={t('nav.monitoring')}>
        <p>{mt('page.intro')}</p>
        <p>
          {mt('page.settings_hint')} <Link to="/settings/mail">{mt('page.settings_link')}</Link>
        </p>
      </PageHeader>
      <div className="toolbar">
        <button type="button" className="button" onClick={() => setRefreshed((n) => n + 1)}>
          {mt('page.refresh')}
        </button>
      </div>
      <MonitorStatus refreshed={refreshed} />
      <RunsList refreshed={refreshed} />
      <ReportTokens refreshed={refreshed} />
    </>
  );
}
