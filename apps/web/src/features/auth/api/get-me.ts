import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api/client';
import { unwrap } from '../../../lib/api/problem';

export const meQueryOptions = () =>
  queryOptions({
    queryKey: ['get', '/v1/me'],
    queryFn: async () => unwrap(await api.GET('/v1/me')),
    staleTime: 5 * 60_000,
  });

/** The signed-in user: role and clinics. */
export function useMe() {
  return useQuery(meQueryOptions());
}
