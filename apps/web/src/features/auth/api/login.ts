import { useMutation } from '@tanstack/react-query';
import { api } from '../../../lib/api/client';
import { unwrap } from '../../../lib/api/problem';
import { signedIn } from '../../../lib/session/session';

export interface Credentials {
  email: string;
  password: string;
}

/** Signs in for a browser session: the access token into memory, the refresh token into the API's HttpOnly cookie. */
export async function login(credentials: Credentials): Promise<void> {
  const pair = unwrap(await api.POST('/v1/auth/login', { body: credentials }));
  signedIn(pair.accessToken);
}

export function useLogin() {
  return useMutation({ mutationFn: login });
}
