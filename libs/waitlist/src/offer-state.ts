import { EntityManager } from 'typeorm';
import { cancelJobs, enqueue, JobName } from '@chairtime/jobs';
import { sendJobId } from '@chairtime/messaging';
import { WaitlistOfferStatus } from './entities';
import { offerJobId } from './freed-time.listener';
import { expireOfferJobId } from './offer-freed-time.handler';

/**
 * Closes open offers as `gone` or `expired`: their entries go back in line (unless withdrawn),
 * their expiry jobs and unsent messages are withdrawn (an SMS must not announce a time that is
 * gone). With `reoffer`, a freed time still open and left without any open offer is offered to
 * the next entries in line. Returns the ids actually closed (an offer already closed is skipped).
 */
export async function closeOffers(
  em: EntityManager,
  offerIds: string[],
  to: Extract<WaitlistOfferStatus, 'gone' | 'expired'>,
  reoffer: boolean,
): Promise<string[]> {
  if (offerIds.length === 0) return [];
  const [rows] = (await em.query(
    `UPDATE waitlist_offer SET status = $2, updated_at = now() WHERE id = ANY($1) AND status = 'offered'
     RETURNING id, entry_id, freed_id, clinic_id, message_id`,
    [offerIds, to],
  )) as [{ id: string; entry_id: string; freed_id: string; clinic_id: string; message_id: string | null }[], number];
  if (rows.length === 0) return [];
  const clinicId = rows[0].clinic_id;
  await em.query(`UPDATE waitlist_entry SET status = 'waiting', updated_at = now() WHERE id = ANY($1) AND status = 'offered'`, [
    rows.map((r) => r.entry_id),
  ]);
  await cancelJobs(
    em,
    JobName.ExpireWaitlistOffer,
    rows.map((r) => expireOfferJobId(r.id)),
    clinicId,
  );
  const [unsent] = (await em.query(`UPDATE message SET status = 'superseded' WHERE id = ANY($1) AND status = 'scheduled' RETURNING id`, [
    rows.map((r) => r.message_id).filter((id): id is string => id !== null),
  ])) as [{ id: string }[], number];
  await cancelJobs(
    em,
    JobName.SendMessage,
    unsent.map((m) => sendJobId(m.id)),
    clinicId,
  );
  if (reoffer) {
    const idle = (await em.query(
      `SELECT f.id FROM freed_chair_time f WHERE f.id = ANY($1) AND f.status = 'open'
         AND NOT EXISTS (SELECT 1 FROM waitlist_offer o WHERE o.freed_id = f.id AND o.status = 'offered')`,
      [[...new Set(rows.map((r) => r.freed_id))]],
    )) as { id: string }[];
    for (const f of idle) {
      // The round is named after an offer it replaces, so each re-offer is a job of its own.
      const round = rows.find((r) => r.freed_id === f.id)?.id ?? f.id;
      await enqueue(em, { name: JobName.OfferFreedTime, jobId: offerJobId(f.id, round), payload: { freedId: f.id }, clinicId });
    }
  }
  return rows.map((r) => r.id);
}
