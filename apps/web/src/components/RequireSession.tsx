import { type ReactNode, useEffect } from 'react';
import { Navigate, useLocation } from 'react-router';
import { refreshSession, sessionEndedByUser, useSessionStatus } from '../lib/session/session';
import { PageLoader } from './PageLoader';

/**
 * Signed-in pages. A fresh page load has no access token yet: one silent refresh with the cookie
 * decides; without a session the sign-in screen opens and comes back here afterwards.
 */
export function RequireSession({ children }: { children: ReactNode }) {
  const status = useSessionStatus();
  const location = useLocation();
  useEffect(() => {
    if (status === 'unknown') void refreshSession();
  }, [status]);
  if (status === 'unknown') return <PageLoader label="Checking your session" />;
  if (status === 'signed-out') {
    return <Navigate to={sessionEndedByUser() ? '/' : `/?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  }
  return children;
}
