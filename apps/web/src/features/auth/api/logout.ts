import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api/client';
import { signedOut } from '../../../lib/session/session';

/**
 * Signs out everywhere this session reaches: the API revokes the refresh token's family and its
 * access tokens and clears the cookie. Whatever the API answers, this tab forgets the session.
 */
export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      await api.POST('/v1/auth/logout', { body: {} });
    },
    onSettled: () => {
      // The signed-in page gives way to the sign-in screen at `/` (RequireSession).
      signedOut({ byUser: true });
      queryClient.clear();
    },
  });
}
