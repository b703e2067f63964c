import { lazy, useEffect } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { refreshSession, useSessionStatus } from '../../../lib/session/session';
import { PageLoader } from '../../../components/PageLoader';

const SignInPage = lazy(() => import('./SignInPage'));

/** Where a signed-in user may go back to after signing in: a path of this app, never another site. */
export function safeNext(next: string | null): string {
  return next && /^\/(?![/\\])/.test(next) ? next : '/board';
}

/** `/`: the staff home. Signed in, it is the day board; otherwise the sign-in screen. */
export function HomeRoute() {
  const status = useSessionStatus();
  const [params] = useSearchParams();
  useEffect(() => {
    if (status === 'unknown') void refreshSession();
  }, [status]);
  if (status === 'unknown') return <PageLoader label="Checking your session" />;
  if (status === 'signed-in') return <Navigate to={safeNext(params.get('next'))} replace />;
  return <SignInPage />;
}
