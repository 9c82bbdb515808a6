import { monitoringScreenMessages } from '../../../../i18n/catalogs/monitoring-screen';
import { usePageCatalog } from '../../../shared/i18n/page-catalog';

/** The page's own messages (catalogs/monitoring-screen.ts), loaded with the page. */
export const useMonitoringText = () => usePageCatalog(monitoringScreenMessages);

export type MonitoringText = ReturnType<typeof useMonitoringText>;
