import { useI18n } from '../../../shared/i18n/i18n';

/** The page's messages (catalogs/monitoring-screen.ts): the build ships them with the page's code. */
export const useMonitoringText = () => useI18n().t;

export type MonitoringText = ReturnType<typeof useMonitoringText>;
