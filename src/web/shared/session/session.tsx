import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { type SessionView, sessionViewSchema, type UserView } from '../../../contracts/accounts';
import { ApiError, apiRequest, setCsrfToken, whenUnauthenticated } from '../api/client';
import { pageHoldsUnsavedChanges } from '../router/router';

/** Why nobody is signed in: shown on the sign-in page. */
export type SignedOutReason = 'none' | 'expired' | 'signed-out';

export type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out'; reason: SignedOutReason }
  /** `expired`: the session ended while the page held unsaved changes; the page stays until the user signs in again. */
  | { status: 'signed-in'; user: UserView; expired?: true };

interface Session {
  state: SessionState;
  signIn(loginId: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  /** After the user changed their own profile (name, language, time zone). */
  replaceUser(user: UserView): void;
  /** Gives up the page kept through an ended session, for the sign-in page. */
  discardExpiredPage(): void;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const signedIn = useCallback((session: SessionView) => {
    setCsrfToken(session.csrfToken);
    setState({ status: 'signed-in', user: session.user });
  }, []);

  const signedOut = useCallback((reason: SignedOutReason) => {
    setCsrfToken(null);
    setState({ status: 'signed-out', reason });
  }, []);

  useEffect(() => {
    // A page with unsaved changes is kept, with the sign-in asked over it: 2 hours of typing in a
    // long form are not thrown away because the session ran out meanwhile.
    whenUnauthenticated(() => {
      if (!pageHoldsUnsavedChanges()) return signedOut('expired');
      setCsrfToken(null);
      setState((current) => (current.status === 'signed-in' ? { ...current, expired: true } : { status: 'signed-out', reason: 'expired' }));
    });
    // Not signed in (401) or the server unreachable: the sign-in page, which reports what happens next.
    apiRequest('GET', '/api/session', { schema: sessionViewSchema }).then(signedIn, () => signedOut('none'));
  }, [signedIn, signedOut]);

  const session = useMemo<Session>(
    () => ({
      state,
      async signIn(loginId, password) {
        signedIn(await apiRequest('POST', '/api/session', { body: { loginId, password }, schema: sessionViewSchema }));
      },
      async signOut() {
        await apiRequest('DELETE', '/api/session').catch((error: unknown) => {
          // Already gone on the server: signed out all the same.
          if (!(error instanceof ApiError && error.status === 401)) throw error;
        });
        signedOut('signed-out');
      },
      replaceUser: (user) => setState({ status: 'signed-in', user }),
      discardExpiredPage: () => signedOut('expired'),
    }),
    [state, signedIn, signedOut],
  );
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** The signed-in user, for pages that only render while someone is signed in. */
export function useCurrentUser(): UserView {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useCurrentUser while signed out');
  return state.user;
}
