import type { Interval } from '@chairtime/domain';

/** The width of the clinic-time buckets bookings lock (30 minutes, aligned to the epoch). */
export const LOCK_BUCKET_MS = 30 * 60_000;

/**
 * The advisory lock keys of a booking: one per {@link LOCK_BUCKET_MS} bucket of the clinic's time
 * that a window `[start, end)` touches. Two windows that overlap share an instant, hence its bucket.
 */
export function lockKeysFor(clinicId: string, windows: Interval[]): string[] {
  const keys = new Set<string>();
  for (const w of windows) {
    const last = Math.floor(Math.max(w.start, w.end - 1) / LOCK_BUCKET_MS);
    for (let b = Math.floor(w.start / LOCK_BUCKET_MS); b <= last; b++) keys.add(`clinic-time:${clinicId}:${b}`);
  }
  return [...keys];
}

/**
 * The clinic's set-up gate. Every booking passes it in shared mode (bookings never wait for each
 * other on it); a set-up change that removes capacity over more clinic time than its buckets can
 * cheaply name (a long closure, new opening hours) closes it exclusively instead, so no booking of
 * the clinic runs between its capacity check and its commit ({@link lockRemovedTime}).
 */
export const setupGateKey = (clinicId: string): string => `clinic-setup:${clinicId}`;
