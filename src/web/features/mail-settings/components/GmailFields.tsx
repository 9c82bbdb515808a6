import { lazyPart } from '../../../shared/i18n/lazy-part';

/**
 * Gmailを使用する: its code and texts load the first time Gmail is shown (chosen, or saved), as
 * most installations send through one server and never need them. See gmail/GmailSection.tsx.
 */
export const GmailFields = lazyPart('mail-settings/components/gmail', () => import('./gmail/GmailSection'), (module) => module.GmailSection).Component;
