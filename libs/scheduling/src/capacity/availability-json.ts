import type { Slot } from '@chairtime/domain';

/** The availability response body (API.md): instants as UTC ISO strings, chair ids per start. */
export function availabilityJson(slots: readonly Slot[]): string {
  return JSON.stringify({
    slots: slots.map((s) => ({
      startsAt: new Date(s.start).toISOString(),
      endsAt: new Date(s.end).toISOString(),
      chairReleasedAt: new Date(s.chairReleasedAt).toISOString(),
      chairIds: s.chairIds,
    })),
  });
}
