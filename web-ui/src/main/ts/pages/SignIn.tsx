import { useState, type FormEvent } from 'react';
import type { SignInProps } from '../session';
import { ProblemBanner } from '../components';

/** The password goes from the form straight into the request; nothing keeps it. */
export function SignIn({ submit, expired }: SignInProps) {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    setBusy(true);
    try {
      await submit(String(data.get('username') ?? ''), String(data.get('password') ?? ''));
    } catch (err) {
      setError(err);
      (form.elements.namedItem('password') as HTMLInputElement).value = '';
      setBusy(false);
    }
  };
  return (
    <div className="signin">
      <form onSubmit={onSubmit} className="card signin-card" aria-label="Sign in">
        <h1>Braid</h1>
        <p className="muted">{expired ? 'Your session ended. Sign in again to go on.' : 'Sign in to operate your recipes.'}</p>
        <ProblemBanner error={error} />
        <label>
          User name
          <input name="username" autoComplete="username" required autoFocus />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
