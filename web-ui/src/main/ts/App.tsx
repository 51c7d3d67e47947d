import { lazy, Suspense, type ReactNode } from 'react';
import { Link, match, useLocation } from './router';
import { SessionGate, useSession } from './session';
import { SignIn } from './pages/SignIn';
import { Runs } from './pages/Runs';
import { RunPage } from './pages/Run';
import { DeadLetters } from './pages/DeadLetters';
import { Recipes } from './pages/Recipes';
import { RecipePage } from './pages/Recipe';
import { Connections } from './pages/Connections';
import { Secrets } from './pages/Secrets';
import { Cluster } from './pages/Cluster';
import { Empty } from './components';
import { Audit, Tokens, Users } from './pages/Admin';
import type { Ability } from './permissions';

// The dashboard's chart library is loaded with the dashboard only, keeping the first paint of the other pages small.
const Dashboard = lazy(() => import('./pages/Dashboard'));
// The authoring studio (CodeMirror, React Flow, ELK) is its own chunk, loaded when a studio route opens.
const Studio = lazy(() => import('./studio/Studio'));

const NAV: { href: string; label: string; needs?: Ability }[] = [
  { href: '/', label: 'Dashboard' },
  { href: '/runs', label: 'Runs' },
  { href: '/dead-letters', label: 'Dead letters' },
  { href: '/recipes', label: 'Recipes' },
  { href: '/connections', label: 'Connections' },
  { href: '/secrets', label: 'Secrets' },
  { href: '/cluster', label: 'Cluster' },
  { href: '/users', label: 'Users', needs: 'manage-users' },
  { href: '/audit', label: 'Audit', needs: 'read-audit' },
  { href: '/tokens', label: 'Tokens' },
];

function route(path: string): ReactNode {
  let m: Record<string, string> | null;
  if (path === '/' || path === '') return <Dashboard />;
  if (match('/runs', path)) return <Runs />;
  if ((m = match('/runs/:id', path))) return <RunPage id={m.id} />;
  if (match('/dead-letters', path)) return <DeadLetters />;
  if (match('/recipes', path)) return <Recipes />;
  if (match('/recipes/new', path)) return <Studio slug={null} />;
  if ((m = match('/recipes/:slug/edit', path))) return <Studio key={m.slug} slug={m.slug} />;
  if ((m = match('/recipes/:slug', path))) return <RecipePage slug={m.slug} />;
  if (match('/connections', path)) return <Connections />;
  if (match('/secrets', path)) return <Secrets />;
  if (match('/cluster', path)) return <Cluster />;
  if (match('/users', path)) return <Users />;
  if (match('/tokens', path)) return <Tokens />;
  if (match('/audit', path)) return <Audit />;
  return (
    <Empty title="This page does not exist (yet)">
      <code>{path}</code> is not a page of this version of Braid. <Link href="/">Go to the dashboard</Link>.
    </Empty>
  );
}

function Shell() {
  const { path } = useLocation();
  const session = useSession();
  const section = (href: string) => (href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`));
  return (
    <div className="shell">
      <header className="top">
        <Link href="/" className="brand">
          Braid
        </Link>
        <nav aria-label="Main">
          {NAV.filter((n) => !n.needs || session.can(n.needs)).map((n) => (
            <Link key={n.href} href={n.href} className={section(n.href) ? 'active' : undefined} aria-current={section(n.href) ? 'page' : undefined}>
              {n.label}
            </Link>
          ))}
        </nav>
        <div className="who">
          <span className="user" data-testid="user">
            {session.username} <span className="roles">({session.roles.join(', ')})</span>
          </span>
          <button className="small" type="button" onClick={() => session.signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main>
        <Suspense fallback={<div className="boot">Loading…</div>}>{route(path)}</Suspense>
      </main>
    </div>
  );
}

export function App() {
  return (
    <SessionGate signIn={(props) => <SignIn {...props} />}>
      <Shell />
    </SessionGate>
  );
}
