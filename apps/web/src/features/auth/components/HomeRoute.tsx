import { lazy, useEffect } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { refreshSession, useSessionStatus } from '../../../lib/session/session';
import { PageLoader } from '../../../components/PageLoader';
import { safeNext } from './safe-next';

const SignInPage = lazy(() => import('./SignInPage'));

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
