import { useI18n } from '../../../shared/i18n/i18n';

/** The page's messages (catalogs/lockout-screen.ts): the build ships them with the page's code. */
export const useLockoutMessages = () => useI18n().t;
