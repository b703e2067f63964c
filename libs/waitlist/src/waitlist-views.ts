import { WaitlistEntry, WaitlistOffer } from './entities';

/** An offer as the API shows it: the chair time offered and until when it can be claimed. */
export interface OfferView {
  id: string;
  entryId: string;
  appointmentId: string;
  startsAt: string;
  chairId: string;
  expiresAt: string;
  status: string;
}

/** A waitlist entry as the API shows it, with its offers (newest first) when loaded. */
export interface EntryView {
  id: string;
  clinicId: string;
  patientId: string;
  courseId: string;
  earliest: string;
  latest: string;
  status: string;
  createdAt: string;
  offers?: OfferView[];
}

export function toOfferView(o: WaitlistOffer): OfferView {
  return {
    id: o.id,
    entryId: o.entryId,
    appointmentId: o.appointmentId,
    startsAt: o.startsAt.toISOString(),
    chairId: o.chairId,
    expiresAt: o.expiresAt.toISOString(),
    status: o.status,
  };
}

export function toEntryView(e: WaitlistEntry, offers?: WaitlistOffer[]): EntryView {
  return {
    id: e.id,
    clinicId: e.clinicId,
    patientId: e.patientId,
    courseId: e.courseId,
    earliest: e.earliest.toISOString(),
    latest: e.latest.toISOString(),
    status: e.status,
    createdAt: e.createdAt.toISOString(),
    ...(offers ? { offers: offers.map(toOfferView) } : {}),
  };
}
