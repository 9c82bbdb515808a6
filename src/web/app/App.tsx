import { type ReactNode, Suspense, useEffect } from 'react';
import type { UserView } from '../../contracts/accounts';
import { LoginPage } from '../features/login/components/LoginPage';
import { LogoutPage } from '../features/login/components/LogoutPage';
import { ResumeSessionDialog } from '../features/login/components/ResumeSessionDialog';
import { PageHeader } from '../shared/components/PageHeader';
import { browserLocale, I18nProvider, useI18n } from '../shared/i18n/i18n';
import { RouterProvider, useRouter } from '../shared/router/router';
import { SessionProvider, useSession } from '../shared/session/session';
import { Layout } from './Layout';
import { routeFor } from './routes';

export function App() {
  return (
    <SessionProvider>
      <InUsersLanguage>
        <RouterProvider>
          <Screen />
        </RouterProvider>
      </InUsersLanguage>
    </SessionProvider>
  );
}

/** Japanese unless the signed-in user chose English (before sign-in: the browser's languages). */
function InUsersLanguage({ children }: { children: ReactNode }) {
  const { state } = useSession();
  const user = state.status === 'signed-in' ? state.user : null;
  return (
    <I18nProvider locale={user?.locale ?? browserLocale()} timeZone={user?.timeZone ?? null}>
      {children}
    </I18nProvider>
  );
}

const homeOf = (user: UserView) => (user.role === 'admin' ? '/settings/mail' : '/profile');

function Screen() {
  const { t, locale } = useI18n();
  const { state } = useSession();
  const { location } = useRouter();
  const route = routeFor(location.path);

  useEffect(() => {
    // The first page's code and messages load while the session is being checked.
    void route?.page.preload(locale).catch(() => {});
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  if (state.status === 'loading') return <p className="loading">{t('screen.loading')}</p>;
  if (state.status === 'signed-out') {
    if (location.path === '/login') return <LoginPage reason={state.reason} />;
    const next = location.path === '/logout' ? '' : `?next=${encodeURIComponent(location.href)}`;
    return <Redirect to={`/login${next}`} />;
  }

  const { user } = state;
  if (location.path === '/login') return <Redirect to={safeNext(location.search.get('next')) ?? homeOf(user)} />;
  if (location.path === '/') return <Redirect to={homeOf(user)} />;
  if (location.path === '/logout') return <LogoutPage />;
  return (
    <Layout user={user} route={route}>
      {!route ? (
        <Problem title={t('screen.not_found.title')} body={t('screen.not_found.body')} />
      ) : route.access === 'admin' && user.role !== 'admin' ? (
        <Problem title={t('screen.forbidden.title')} body={t('screen.forbidden.body')} />
      ) : (
        <Suspense fallback={<p className="loading">{t('screen.loading')}</p>}>
          <route.page.Component />
        </Suspense>
      )}
      {state.expired && <ResumeSessionDialog user={user} />}
    </Layout>
  );
}

/**
 * Only a path of this site: `?next=https://elsewhere` must not send a signed-in admin away. The
 * browser's own URL parser decides, since it reads `/\elsewhere` as `//elsewhere`, another host
 * (history.replaceState then throws and the screen went blank).
 */
function safeNext(next: string | null): string | null {
  if (!next?.startsWith('/')) return null;
  const target = new URL(next, window.location.origin);
  return target.origin === window.location.origin ? target.pathname + target.search + target.hash : null;
}

function Redirect({ to }: { to: string }) {
  const { go } = useRouter();
  useEffect(() => go(to, { replace: true }), [go, to]);
  return null;
}

function Problem({ title, body }: { title: string; body: string }) {
  return (
    <>
      <PageHeader title={title} />
      <p>{body}</p>
    </>
  );
}
