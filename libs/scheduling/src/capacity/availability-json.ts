import type { Slot } from '@chairtime/domain';

const DAY_MS = 86_400_000;
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

/**
 * `Date#toISOString` for the instants of one answer. An answer repeats few dates and its instants
 * are whole minutes, so the date part is formatted once per day and the time from integers —
 * three Date objects and ISO formats per slot were a tenth of the endpoint's CPU.
 */
function isoFormatter(): (ms: number) => string {
  const dates = new Map<number, string>();
  return (ms) => {
    const day = Math.floor(ms / DAY_MS);
    let date = dates.get(day);
    if (date === undefined) {
      date = new Date(day * DAY_MS).toISOString().slice(0, 11);
      dates.set(day, date);
    }
    const inDay = ms - day * DAY_MS;
    const millis = inDay % 1000;
    if (millis !== 0) return new Date(ms).toISOString();
    const seconds = inDay / 1000;
    return `${date}${TWO_DIGITS[Math.floor(seconds / 3600)]}:${TWO_DIGITS[Math.floor(seconds / 60) % 60]}:${TWO_DIGITS[seconds % 60]}.000Z`;
  };
}

/**
 * The availability response body (API.md): `{slots: [{startsAt, endsAt, chairReleasedAt,
 * chairIds}]}`, instants as UTC ISO strings — exactly what `JSON.stringify` of that shape gives,
 * written directly as one string (encoded once: the answer is cached as bytes).
 */
export function availabilityJson(slots: readonly Slot[]): string {
  const iso = isoFormatter();
  const parts: string[] = [];
  for (const s of slots) {
    parts.push(
      `{"startsAt":"${iso(s.start)}","endsAt":"${iso(s.end)}","chairReleasedAt":"${iso(s.chairReleasedAt)}","chairIds":${JSON.stringify(s.chairIds)}}`,
    );
  }
  return `{"slots":[${parts.join(',')}]}`;
}
