/**
 * The browser session (README "Web app"): the access token lives in this module's memory only
 * (never localStorage or sessionStorage, where any script could read it after the tab closes);
 * the refresh token is an HttpOnly cookie the page cannot see, sent by the browser to /v1/auth
 * only. A reload starts with no access token and asks for one with the cookie (silent refresh).
 */
import { useSyncExternalStore } from 'react';

/** The header that asks the API for the cookie session; the API's CSRF lock on the cookie routes. */
export const SESSION_HEADERS = { 'X-Requested-With': 'chairtime' } as const;

export type SessionStatus = 'unknown' | 'signed-in' | 'signed-out';

let accessToken: string | null = null;
let status: SessionStatus = 'unknown';
let refreshing: Promise<boolean> | null = null;
/** Signed out on purpose (Sign out), not by an expired session: no "come back here" after signing in. */
let endedByUser = false;
const listeners = new Set<() => void>();

function set(next: SessionStatus, token: string | null): void {
  accessToken = token;
  if (status !== next) {
    status = next;
    for (const l of listeners) l();
  }
}

export const getAccessToken = (): string | null => accessToken;

export function signedIn(token: string): void {
  endedByUser = false;
  set('signed-in', token);
}

export function signedOut(o: { byUser?: boolean } = {}): void {
  endedByUser = o.byUser ?? false;
  set('signed-out', null);
}

export const sessionEndedByUser = (): boolean => endedByUser;

/**
 * Trades the cookie for a new access token (and a rotated cookie). Concurrent callers share one
 * request: the refresh token is single-use, so two parallel refreshes would look like a replay
 * and end the session.
 */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      const res = await fetch('/v1/auth/refresh', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { ...SESSION_HEADERS, 'Content-Type': 'application/json' },
        body: '{}',
      });
      if (!res.ok) {
        signedOut();
        return false;
      }
      const body = (await res.json()) as { accessToken: string };
      signedIn(body.accessToken);
      return true;
    } catch {
      signedOut();
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The session status for React: re-renders when the user signs in or out. */
export function useSessionStatus(): SessionStatus {
  return useSyncExternalStore(subscribe, () => status);
}
