import { lockoutScreenMessages } from '../../../../i18n/catalogs/lockout-screen';
import { usePageMessages } from '../../../shared/i18n/page-messages';

/** The page's own messages (loaded with the page) and the shared ones. */
export const useLockoutMessages = () => usePageMessages(lockoutScreenMessages);
