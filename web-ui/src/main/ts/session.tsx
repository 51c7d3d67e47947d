// Who is signed in. The session lives in the server (cookie); the page keeps the user name, the roles
// and the CSRF token — never the password.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { onSignedOut, request, adoptCsrfToken } from './api';
import { allows, type Ability } from './permissions';

interface SessionView {
  authenticated: boolean;
  username: string | null;
  roles: string[];
  csrfToken: string | null;
}

export interface Session {
  username: string;
  roles: string[];
  can: (ability: Ability) => boolean;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

export function useCan(ability: Ability): boolean {
  return useSession().can(ability);
}

type State = { phase: 'loading' } | { phase: 'signed-out'; expired: boolean } | { phase: 'signed-in'; view: SessionView };

export function SessionGate({ children, signIn }: { children: ReactNode; signIn: (props: SignInProps) => ReactNode }) {
  const [state, setState] = useState<State>({ phase: 'loading' });

  const adopt = useCallback((view: SessionView, expired = false) => {
    adoptCsrfToken(view.csrfToken);
    setState(view.authenticated ? { phase: 'signed-in', view } : { phase: 'signed-out', expired });
  }, []);

  useEffect(() => {
    request<SessionView>('/api/v1/session').then((v) => adopt(v), () => setState({ phase: 'signed-out', expired: false }));
    return onSignedOut(() => request<SessionView>('/api/v1/session').then((v) => adopt(v, true)));
  }, [adopt]);

  const submit = useCallback(
    async (username: string, password: string) => {
      const view = await request<SessionView>('/api/v1/session', { method: 'POST', body: { username, password } });
      adopt(view);
    },
    [adopt],
  );

  if (state.phase === 'loading') return <div className="boot">Loading…</div>;
  if (state.phase === 'signed-out') return <>{signIn({ submit, expired: state.expired })}</>;
  const { view } = state;
  const session: Session = {
    username: view.username ?? '',
    roles: view.roles,
    can: (ability) => allows(view.roles, ability),
    signOut: async () => {
      await request('/api/v1/session', { method: 'DELETE' });
      const fresh = await request<SessionView>('/api/v1/session');
      adopt(fresh);
    },
  };
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export interface SignInProps {
  submit: (username: string, password: string) => Promise<void>;
  expired: boolean;
}
