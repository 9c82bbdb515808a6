import type { MessageKey } from '../../i18n/index';
import { type LazyPart, lazyPart } from '../shared/i18n/lazy-part';

/**
 * Every page of the screen, in menu order. A new page is one feature folder and one line here
 * (access, menu place, the component loaded on first visit with the texts its folder names),
 * e.g. アカウント停止 and スレッド監視 below.
 */

export type MenuSection = 'preferences' | 'system' | 'operations' | 'personal';

export interface PageRoute {
  path: string;
  /** Who may open it; the menu lists only what the signed-in user may open. */
  access: 'admin' | 'user';
  menu: { section: MenuSection; label: MessageKey };
  page: LazyPart;
  /** Shown only while this holds (the dev mailbox only when it runs). */
  when?: (facts: { devMailbox: boolean }) => boolean;
}

export const ROUTES: PageRoute[] = [
  {
    path: '/settings/mail',
    access: 'admin',
    menu: { section: 'preferences', label: 'nav.mail_settings' },
    page: lazyPart('mail-settings', () => import('../features/mail-settings/components/MailSettingsPage'), (m) => m.MailSettingsPage),
  },
  {
    path: '/settings/organisation',
    access: 'admin',
    menu: { section: 'preferences', label: 'nav.organisation' },
    page: lazyPart('organisation', () => import('../features/organisation/components/OrganisationPage'), (m) => m.OrganisationPage),
  },
  {
    path: '/settings/lockout',
    access: 'admin',
    menu: { section: 'preferences', label: 'nav.lockout' },
    page: lazyPart('lockout', () => import('../features/lockout/components/LockoutPage'), (m) => m.LockoutPage),
  },
  {
    path: '/users',
    access: 'admin',
    menu: { section: 'system', label: 'nav.users' },
    page: lazyPart('users', () => import('../features/users/components/UsersPage'), (m) => m.UsersPage),
  },
  {
    path: '/settings/tokens',
    access: 'admin',
    menu: { section: 'system', label: 'nav.service_tokens' },
    page: lazyPart('service-tokens', () => import('../features/service-tokens/components/ServiceTokensPage'), (m) => m.ServiceTokensPage),
  },
  {
    path: '/deliveries',
    access: 'admin',
    menu: { section: 'operations', label: 'nav.deliveries' },
    page: lazyPart('deliveries', () => import('../features/deliveries/components/DeliveriesPage'), (m) => m.DeliveriesPage),
  },
  {
    path: '/monitoring',
    access: 'admin',
    menu: { section: 'operations', label: 'nav.monitoring' },
    page: lazyPart('monitoring', () => import('../features/monitoring/components/MonitoringPage'), (m) => m.MonitoringPage),
  },
  {
    path: '/audit',
    access: 'admin',
    menu: { section: 'operations', label: 'nav.audit' },
    page: lazyPart('audit', () => import('../features/audit/components/AuditPage'), (m) => m.AuditPage),
  },
  {
    path: '/dev-mailbox',
    access: 'admin',
    menu: { section: 'operations', label: 'nav.dev_mailbox' },
    page: lazyPart('dev-mailbox', () => import('../features/dev-mailbox/components/DevMailboxPage'), (m) => m.DevMailboxPage),
    when: (facts) => facts.devMailbox,
  },
  {
    path: '/profile',
    access: 'user',
    menu: { section: 'personal', label: 'nav.profile' },
    page: lazyPart('profile', () => import('../features/profile/components/ProfilePage'), (m) => m.ProfilePage),
  },
];

export const routeFor = (path: string) => ROUTES.find((route) => route.path === path);

/** Where the breadcrumb puts each menu section: システムの設定 › 環境設定 › … */
export const SECTION_TRAIL: Record<MenuSection, MessageKey[]> = {
  preferences: ['nav.system_settings', 'nav.preferences'],
  system: ['nav.system_settings'],
  operations: ['nav.operations'],
  personal: ['nav.personal'],
};
