import type { ChannelConsent } from '../entities';

/** One visit in the chart, with what was recorded during it. */
export interface ChartVisit {
  id: string;
  sequence: number | null;
  kind: string;
  startsAt: string;
  endsAt: string;
  status: string;
  chairName: string | null;
  ride: { status: string };
  flags: string[];
  vitals: {
    phase: string;
    systolic: number;
    diastolic: number;
    heartRate: number;
    spo2: number;
    accepted: boolean | null;
    takenAt: string;
  }[];
  sideEffects: { name: string; severity: string; note: string | null; recordedAt: string }[];
  /** Spravato sessions that started: the REMS monitoring form, filed or due. */
  remsForm?: { status: 'filed'; filedAt: string } | { status: 'due'; dueAt: string };
}

/** A PHQ-9 or GAD-7, oldest first, judged against the patient's first (baseline) score. */
export interface ChartAssessment {
  id: string;
  instrument: 'PHQ-9' | 'GAD-7';
  score: number;
  severity: string;
  item9Positive?: boolean;
  changeFromBaseline: number | null;
  response: boolean;
  remission: boolean;
  relapseSignal: boolean;
  source: string;
  takenAt: string;
}

export interface ChartCourse {
  id: string;
  protocol: { key: string; version: number; name: string };
  status: string;
  createdAt: string;
  /** Visits treated (discharged) of the protocol's visit count. */
  progress: { done: number; total: number };
  visits: ChartVisit[];
}

/** `GET /v1/patients/:id/chart`. */
export interface PatientChart {
  patient: {
    id: string;
    clinicId: string;
    givenName: string;
    familyName: string;
    displayName: string;
    birthDate: string;
    email: string | null;
    phone: string | null;
    contactPreference: 'sms' | 'email';
    consent: ChannelConsent;
    remsEnrollment: { enrollmentId: string; enrolledOn: string | null } | null;
  };
  screenings: Record<string, unknown>[];
  courses: ChartCourse[];
  /** Visits outside a course (consults, ad-hoc treatments), in time order. */
  otherVisits: ChartVisit[];
  assessments: ChartAssessment[];
  checkIns: Record<string, unknown>[];
  tasks: Record<string, unknown>[];
  /** The latest 100 messages, newest first. */
  messages: Record<string, unknown>[];
}
