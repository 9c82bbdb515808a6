import { createContext, type MouseEvent, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';

/**
 * A small history router: the screen has a handful of flat pages, so a route table and this
 * file do what a routing library would, plus the one thing every page with a form needs: a
 * guard that asks before leaving unsaved changes (links, back button, reload, closing the tab).
 */

export interface Location {
  path: string;
  search: URLSearchParams;
  /** path + query, as it appears in the address bar. */
  href: string;
}

/** Returns true when it took over the navigation (the page asks first). */
type LeaveGuard = (to: string) => boolean;

interface Router {
  location: Location;
  /** Navigates unless a page with unsaved changes intercepts it. */
  navigate(to: string, options?: { replace?: boolean }): void;
  /** Navigates whatever the page holds (the user chose to leave). */
  go(to: string, options?: { replace?: boolean }): void;
  setGuard(guard: LeaveGuard | null): void;
}

const RouterContext = createContext<Router | null>(null);

function currentLocation(): Location {
  const { pathname, search } = window.location;
  return { path: pathname, search: new URLSearchParams(search), href: pathname + search };
}

/** Whether the page shown holds unsaved changes (a leave guard is set): the session keeps such a page when it ends. */
let unsavedChangesShown = false;
export const pageHoldsUnsavedChanges = () => unsavedChangesShown;

export function RouterProvider({ children }: { children: ReactNode }) {
  const [location, setLocation] = useState(currentLocation);
  const guard = useRef<LeaveGuard | null>(null);
  const shown = useRef(location);
  shown.current = location;

  const go = useCallback((to: string, options: { replace?: boolean } = {}) => {
    if (options.replace) window.history.replaceState(null, '', to);
    else window.history.pushState(null, '', to);
    setLocation(currentLocation());
    window.scrollTo(0, 0);
  }, []);

  const navigate = useCallback(
    (to: string, options: { replace?: boolean } = {}) => {
      if (guard.current?.(to)) return;
      go(to, options);
    },
    [go],
  );

  useEffect(() => {
    const onPopState = () => {
      const target = currentLocation();
      if (guard.current) {
        // The address bar already moved: put the page's own address back while the page asks.
        window.history.pushState(null, '', shown.current.href);
        if (guard.current(target.href)) return;
      }
      setLocation(target);
    };
    window.addEventListener('popstate', onPopState);
    return () => window.removeEventListener('popstate', onPopState);
  }, []);

  const router = useMemo<Router>(
    () => ({
      location,
      navigate,
      go,
      setGuard: (next) => {
        guard.current = next;
        unsavedChangesShown = next !== null;
      },
    }),
    [location, navigate, go],
  );
  return <RouterContext.Provider value={router}>{children}</RouterContext.Provider>;
}

export function useRouter(): Router {
  const router = useContext(RouterContext);
  if (!router) throw new Error('useRouter outside RouterProvider');
  return router;
}

/** An in-app link: a real <a href> (new tab, copy link work), navigated without a page load. */
export function Link({ to, children, className, current }: { to: string; children: ReactNode; className?: string; current?: boolean }) {
  const { navigate } = useRouter();
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={onClick} className={className} aria-current={current ? 'page' : undefined}>
      {children}
    </a>
  );
}

/**
 * While `unsaved` is true, leaving the page is held until the user decides: `pendingTo` is where
 * they wanted to go; `leave()` goes there, `stay()` keeps the page. Reload and closing the tab get
 * the browser's own question. `leaveSite(url)` goes to another site without it: for a step the
 * user has already agreed to (the sign-in at Google).
 */
export function useLeaveGuard(unsaved: boolean) {
  const { setGuard, go } = useRouter();
  const [pendingTo, setPendingTo] = useState<string | null>(null);
  const leavingSite = useRef(false);

  useEffect(() => {
    if (!unsaved) return;
    setGuard((to) => {
      setPendingTo(to);
      return true;
    });
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (!leavingSite.current) event.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      setGuard(null);
      window.removeEventListener('beforeunload', onBeforeUnload);
    };
  }, [unsaved, setGuard]);

  return {
    pendingTo,
    leave() {
      const to = pendingTo;
      setPendingTo(null);
      setGuard(null);
      if (to) go(to);
    },
    stay: () => setPendingTo(null),
    leaveSite(url: string) {
      leavingSite.current = true;
      window.location.assign(url);
    },
  };
}
