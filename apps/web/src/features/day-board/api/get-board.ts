import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api/client';
import { unwrap } from '../../../lib/api/problem';

/**
 * `GET /v1/clinics/:id/board` (API.md). Its OpenAPI entry has no response schema yet, so the
 * shape is written here; once the API documents it, take these from schema.d.ts instead.
 * The board carries ids, not names: the reads that add patient names come later (API.md turn 2).
 */
export interface BoardVisit {
  id: string;
  patientId: string;
  courseId: string | null;
  kind: string;
  startsAt: string;
  endsAt: string;
  chairReleasedAt: string;
  status: string;
  ride: { status: string };
  flags: string[];
  /** Not sent by today's board; shown when a later read adds it. */
  patientName?: string;
}

export interface BoardDay {
  date: string;
  chairs: { chairId: string; name: string; active: boolean; appointments: BoardVisit[] }[];
  consults: BoardVisit[];
  utilization: number;
}

export const boardQueryOptions = (clinicId: string, date: string) =>
  queryOptions({
    queryKey: ['get', '/v1/clinics/{clinicId}/board', { clinicId, date }],
    queryFn: async () =>
      unwrap(await api.GET('/v1/clinics/{clinicId}/board', { params: { path: { clinicId }, query: { date } } })) as unknown as BoardDay,
    // The day changes under the nurses' feet: look again every 30 s until live updates land.
    refetchInterval: 30_000,
  });

export function useBoard(clinicId: string | undefined, date: string) {
  return useQuery({ ...boardQueryOptions(clinicId ?? '', date), enabled: !!clinicId, placeholderData: keepPreviousData });
}
