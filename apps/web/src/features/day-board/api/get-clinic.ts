import { queryOptions, useQueries, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api/client';
import { unwrap } from '../../../lib/api/problem';
import type { OpeningInterval } from '../lib/timeline';

/** `GET /v1/clinics/:id` (no response schema in the OpenAPI document yet). */
export interface Clinic {
  id: string;
  name: string;
  timezone: string;
}

export const clinicQueryOptions = (clinicId: string) =>
  queryOptions({
    queryKey: ['get', '/v1/clinics/{clinicId}', { clinicId }],
    queryFn: async () => unwrap(await api.GET('/v1/clinics/{clinicId}', { params: { path: { clinicId } } })) as unknown as Clinic,
    staleTime: 10 * 60_000,
  });

/** The clinics of a multi-clinic user, for the picker. */
export function useClinics(clinicIds: string[]) {
  return useQueries({ queries: clinicIds.map(clinicQueryOptions) });
}

export const hoursQueryOptions = (clinicId: string) =>
  queryOptions({
    queryKey: ['get', '/v1/clinics/{clinicId}/hours', { clinicId }],
    queryFn: async () =>
      unwrap(await api.GET('/v1/clinics/{clinicId}/hours', { params: { path: { clinicId } } })) as unknown as { weekly: OpeningInterval[] },
    staleTime: 10 * 60_000,
  });

export function useOpeningHours(clinicId: string | undefined) {
  return useQuery({ ...hoursQueryOptions(clinicId ?? ''), enabled: !!clinicId });
}
