/**
 * The one typed API client (openapi-fetch over the generated schema.d.ts). Its middleware adds
 * the in-memory access token and, when the API answers 401, refreshes the session once with the
 * cookie and retries the request with the new token.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';
import { getAccessToken, refreshSession, SESSION_HEADERS, signedOut } from '../session/session';

/** Copies of requests in flight, kept to replay one after a refresh (a sent body cannot be reread). */
const replays = new Map<string, Request>();

/** Login and refresh answer 401 for bad credentials: never refresh-and-retry those (logout is retried like any call). */
const NO_RETRY = new Set(['/v1/auth/login', '/v1/auth/refresh']);
const isAuthRoute = (url: string): boolean => NO_RETRY.has(new URL(url).pathname);

export const auth: Middleware = {
  onRequest({ request, id }) {
    const token = getAccessToken();
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    if (!isAuthRoute(request.url)) replays.set(id, request.clone());
    return request;
  },
  async onResponse({ response, id }) {
    const copy = replays.get(id);
    replays.delete(id);
    if (response.status !== 401 || !copy) return response;
    if (!(await refreshSession())) return response;
    copy.headers.set('Authorization', `Bearer ${getAccessToken()}`);
    const retried = await fetch(copy);
    if (retried.status === 401) signedOut();
    return retried;
  },
  onError({ id }) {
    replays.delete(id);
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin', headers: SESSION_HEADERS });
api.use(auth);
