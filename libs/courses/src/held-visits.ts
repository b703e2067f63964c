import { EntityManager } from 'typeorm';
import { Appointment } from '@chairtime/scheduling/entities';

/**
 * Moves the still-held visits of a booking to `booked` (confirm) or `cancelled` (release, expiry),
 * bumping each row's version so delayed jobs that carry the old one skip. Returns the moved rows.
 */
export async function moveHeldVisits(
  em: EntityManager,
  bookingId: string,
  to: 'booked' | 'cancelled',
  now: Date,
  reason?: string,
): Promise<Appointment[]> {
  const [rows] = (await em.query(
    `UPDATE appointment SET status = $2::text,
       hold_expires_at = CASE WHEN $2::text = 'booked' THEN NULL ELSE hold_expires_at END,
       cancelled_at = CASE WHEN $2::text = 'cancelled' THEN $3::timestamptz ELSE cancelled_at END,
       cancel_reason = CASE WHEN $2::text = 'cancelled' THEN $4::text ELSE cancel_reason END,
       version = version + 1, updated_at = now()
     WHERE booking_id = $1 AND status = 'held' RETURNING id`,
    [bookingId, to, now, reason ?? null],
  )) as [{ id: string }[], number];
  if (rows.length === 0) return [];
  return em.getRepository(Appointment).find({ where: rows.map((r) => ({ id: r.id })), order: { sequence: 'ASC' } });
}
