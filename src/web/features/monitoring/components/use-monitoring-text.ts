import { monitoringScreenMessages } from '../../../../i18n/catalogs/monitoring-screen';
import { usePageMessages } from '../../../shared/i18n/page-messages';

/** The page's own messages (catalogs/monitoring-screen.ts), loaded with the page. */
export const useMonitoringText = () => usePageMessages(monitoringScreenMessages);

export type MonitoringText = ReturnType<typeof useMonitoringText>;
