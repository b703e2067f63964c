/** Words and colours for the board's codes (API.md "Appointments"). */
export const KIND_LABEL: Record<string, string> = {
  'iv-infusion': 'IV infusion',
  'im-injection': 'IM injection',
  spravato: 'Spravato',
  lozenge: 'Supervised lozenge',
  intake: 'Intake consult',
  'follow-up': 'Follow-up consult',
};

export const STATUS: Record<string, { label: string; color: string }> = {
  held: { label: 'Held', color: 'gray' },
  booked: { label: 'Booked', color: 'blue' },
  'checked-in': { label: 'Checked in', color: 'cyan' },
  'vitals-hold': { label: 'Vitals hold', color: 'red' },
  'in-treatment': { label: 'In treatment', color: 'violet' },
  discharged: { label: 'Discharged', color: 'green' },
  'no-show': { label: 'No-show', color: 'orange' },
  cancelled: { label: 'Cancelled', color: 'gray' },
};

/** Flags a nurse must see at a glance; the alarming ones in warm colours. */
export const FLAG: Record<string, { label: string; color: string }> = {
  'ride-unconfirmed': { label: 'Ride not confirmed', color: 'orange' },
  'attendance-confirmed': { label: 'Attendance confirmed', color: 'green' },
  'vitals-hold': { label: 'Vitals hold', color: 'red' },
  'rems-form-due': { label: 'REMS form due', color: 'grape' },
  'first-visit': { label: 'First visit', color: 'indigo' },
};

export const humanize = (code: string): string => code.charAt(0).toUpperCase() + code.slice(1).replace(/-/g, ' ');
export const kindLabel = (kind: string): string => KIND_LABEL[kind] ?? humanize(kind);
export const statusOf = (status: string) => STATUS[status] ?? { label: humanize(status), color: 'gray' };
export const flagOf = (flag: string) => FLAG[flag] ?? { label: humanize(flag), color: 'gray' };

/** The name to show: the board sends ids only today, so a short reference stands in. */
export const patientLabel = (v: { patientId: string; patientName?: string }): string =>
  v.patientName ?? `Patient ${v.patientId.slice(0, 8)}`;
