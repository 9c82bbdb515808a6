import { type ReactNode, useEffect, useRef } from 'react';
import type { UserView } from '../../contracts/accounts';
import { useHealth } from '../features/health/api/health';
import { AdminBanners } from '../features/health/components/AdminBanners';
import { PageTrail } from '../shared/components/PageHeader';
import { useI18n } from '../shared/i18n/i18n';
import { Link, useRouter } from '../shared/router/router';
import { type MenuSection, type PageRoute, ROUTES, SECTION_TRAIL } from './routes';

/** The frame of every page once signed in: the menu, the admin banners and the page itself. */
export function Layout({ user, route, children }: { user: UserView; route: PageRoute | undefined; children: ReactNode }) {
  const { t } = useI18n();
  const { location } = useRouter();
  const admin = user.role === 'admin';
  const health = useHealth(admin ? location.path : null);
  const main = useRef<HTMLElement>(null);
  const firstPath = useRef(location.path);

  // After moving to another page, start reading there (not at the top of the menu).
  useEffect(() => {
    if (location.path !== firstPath.current) main.current?.focus();
  }, [location.path]);

  const visible = ROUTES.filter((candidate) => (admin || candidate.access === 'user') && (candidate.when?.({ devMailbox: health?.devMailbox ?? false }) ?? true));
  const section = (name: MenuSection) => visible.filter((candidate) => candidate.menu.section === name);
  const trail = route ? SECTION_TRAIL[route.menu.section].map((key) => t(key)) : [];

  return (
    <>
      <a href="#main" className="skip-link">
        {t('screen.skip_to_content')}
      </a>
      <header className="top-bar">
        <span className="product">{t('screen.product')}</span>
        <span className="who">{t('screen.signed_in_as', { name: user.displayName })}</span>
      </header>
      <div className="frame">
        <nav className="menu" aria-label={t('screen.menu')}>
          {admin && (
            <MenuGroup title={t('nav.system_settings')}>
              <MenuGroup title={t('nav.preferences')}>
                <MenuList routes={section('preferences')} current={route} />
              </MenuGroup>
              <MenuList routes={section('system')} current={route} />
            </MenuGroup>
          )}
          {admin && (
            <MenuGroup title={t('nav.operations')}>
              <MenuList routes={section('operations')} current={route} />
            </MenuGroup>
          )}
          <MenuGroup title={t('nav.personal')}>
            <MenuList routes={section('personal')} current={route}>
              <li>
                <Link to="/logout">{t('nav.logout')}</Link>
              </li>
            </MenuList>
          </MenuGroup>
        </nav>
        <main id="main" ref={main} tabIndex={-1}>
          {admin && <AdminBanners health={health} />}
          <PageTrail.Provider value={trail}>{children}</PageTrail.Provider>
        </main>
      </div>
    </>
  );
}

function MenuGroup({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="menu-group">
      <p className="menu-title">{title}</p>
      {children}
    </div>
  );
}

function MenuList({ routes, current, children }: { routes: PageRoute[]; current?: PageRoute; children?: ReactNode }) {
  const { t } = useI18n();
  if (routes.length === 0 && !children) return null;
  return (
    <ul>
      {routes.map((route) => (
        <li key={route.path}>
          <Link to={route.path} current={route === current}>
            {t(route.menu.label)}
          </Link>
        </li>
      ))}
      {children}
    </ul>
  );
}
