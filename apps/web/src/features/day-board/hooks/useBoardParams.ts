import { useCallback } from 'react';
import { useSearchParams } from 'react-router';
import { isDate } from '../lib/timeline';

/**
 * The board's place in the URL (`?clinic=<id>&date=YYYY-MM-DD`, UI.md), so a link or a reload
 * shows the same day. Missing or malformed values fall back to the user's first clinic and today.
 */
export function useBoardParams(clinicIds: string[], today: (clinicId: string) => string | undefined) {
  const [params, setParams] = useSearchParams();
  const asked = params.get('clinic');
  const clinicId = asked && clinicIds.includes(asked) ? asked : clinicIds[0];
  const askedDate = params.get('date');
  const date = isDate(askedDate) ? askedDate : clinicId ? today(clinicId) : undefined;
  const go = useCallback(
    (next: { clinic?: string; date?: string }) =>
      setParams((p) => {
        const q = new URLSearchParams(p);
        if (next.clinic) q.set('clinic', next.clinic);
        if (next.date) q.set('date', next.date);
        return q;
      }),
    [setParams],
  );
  return { clinicId, date, unknownClinic: !!asked && asked !== clinicId, go };
}
