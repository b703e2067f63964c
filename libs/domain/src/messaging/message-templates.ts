import { DateTime } from 'luxon';
import { DomainError } from '../shared/domain-error';
import { MessageChannel, MessageKind } from './message-kinds';

/** What a template may show: the clinic, the visit's local date and time, and a link. */
export interface MessageContext {
  clinicName: string;
  /** Already formatted in the patient's zone, e.g. `Tue, Mar 2` (see {@link localDateAndTime}). */
  localDate: string;
  /** e.g. `9:00 AM`. */
  localTime: string;
  /** One-tap action or details link. */
  actionUrl?: string;
}

/** A rendered message; SMS has no subject. */
export interface RenderedMessage {
  subject?: string;
  body: string;
}

/**
 * Words (matched case-insensitively at the start of a word, so stems catch their forms) that
 * must never appear in a message: an SMS is read on lock screens and shared phones, so it names
 * the clinic, the date and the time — never the drug, the diagnosis or the treatment.
 */
export const FORBIDDEN_SMS_WORDS: readonly string[] = Object.freeze([
  'ketamine',
  'esketamine',
  'spravato',
  'infusion',
  'inject',
  'lozenge',
  'nasal',
  'dose',
  'dosage',
  'dosing',
  'drug',
  'medication',
  'prescri',
  'treatment',
  'therapy',
  'depress',
  'anxiety',
  'anxious',
  'ptsd',
  'psych',
  'mental',
  'mood',
  'phq',
  'gad-7',
  'gad7',
  'suicid',
  'self-harm',
  'diagnos',
  'rems',
  'side effect',
  'side-effect',
  'symptom',
  'booster',
  'vitals',
  'blood pressure',
]);

/**
 * The one place a forbidden word is allowed: crisis resources must name the service patients
 * will hear when they call, the 988 Suicide & Crisis Lifeline.
 */
const CRISIS_LIFELINE = 'Suicide & Crisis Lifeline';

const FORBIDDEN_PATTERNS = FORBIDDEN_SMS_WORDS.map(
  (w) => [w, new RegExp(`(?<![a-z0-9])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'i')] as const,
);

/** Forbidden words found in `text`; for `crisis-resources` the Lifeline's name is exempt. */
export function findForbiddenWords(text: string, kind?: MessageKind): string[] {
  const scanned = kind === 'crisis-resources' ? text.split(CRISIS_LIFELINE).join(' ') : text;
  return FORBIDDEN_PATTERNS.filter(([, re]) => re.test(scanned)).map(([w]) => w);
}

/** Formats an instant for {@link MessageContext} in the patient's zone (US English). */
export function localDateAndTime(instant: number, zone: string): { localDate: string; localTime: string } {
  const local = DateTime.fromMillis(instant, { zone }).setLocale('en-US');
  if (!local.isValid) throw new DomainError('validation', `Unknown time zone ${zone}`, { path: 'zone' });
  return { localDate: local.toFormat('ccc, LLL d'), localTime: local.toFormat('h:mm a') };
}

const PREPARATION_TIPS =
  'To prepare: keep the hours before calm and skip the news, make a playlist without lyrics, bring an eye mask and ' +
  'headphones, try a few minutes of meditation, and arrange for someone to drive you home.';

type Template = {
  subject: string;
  sms: string;
  /** Words before the link in an SMS; dropped with the link when there is none. */
  smsLink: string;
  email: string;
};

/** The opaque token of a one-tap link (`/actions/<base64url claims>.<signature>`). */
const ACTION_TOKEN = /\/actions\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/;

/** Plain wording only; `{c}` clinic, `{d}` date, `{t}` time. Links are appended by the renderer. */
const TEMPLATES: Record<MessageKind, Template> = {
  'booking-confirmation': {
    subject: 'Your visit at {c} is booked',
    sms: "{c}: you're booked for {d} at {t}.",
    smsLink: 'Add it to your calendar:',
    email: 'Your visit at {c} is booked for {d} at {t}. Add it to your calendar with the link below.',
  },
  preparation: {
    subject: 'Getting ready for your visit on {d}',
    sms: '{c}: your visit is {d} at {t}. Please arrange your ride home.',
    smsLink: 'How to get ready:',
    email: `Your visit at {c} is on {d} at {t}. ${PREPARATION_TIPS}`,
  },
  'ride-request': {
    subject: 'Who is driving you home on {d}?',
    sms: '{c}: please confirm who will drive you home after your visit on {d} at {t}.',
    smsLink: 'Confirm here:',
    email: 'You will need someone to drive you home after your visit at {c} on {d} at {t}. Please tell us who it is.',
  },
  'ride-second-request': {
    subject: 'We still need your ride home for {d}',
    sms: '{c}: we still need the name of your ride home for {d} at {t}.',
    smsLink: 'Confirm here:',
    email: 'We still need to know who will drive you home after your visit at {c} on {d} at {t}. Please confirm.',
  },
  reminder: {
    subject: 'Reminder: your visit on {d} at {t}',
    sms: '{c}: reminder of your visit on {d} at {t}.',
    smsLink: 'Tap to confirm you are coming:',
    email: 'This is a reminder of your visit at {c} on {d} at {t}.',
  },
  'final-reminder': {
    subject: 'See you at {t}',
    sms: '{c}: see you on {d} at {t}.',
    smsLink: 'Tap to confirm:',
    email: 'We look forward to seeing you at {c} on {d} at {t}.',
  },
  'side-effects-check-in': {
    subject: 'How are you feeling?',
    sms: '{c}: how are you feeling after your visit?',
    smsLink: 'Let us know:',
    email: 'We hope you are resting well after your visit at {c}. Please let us know how you are feeling.',
  },
  'next-day-check-in': {
    subject: 'Checking in after your visit',
    sms: '{c}: checking in the day after your visit. How are you today?',
    smsLink: 'Tell us:',
    email: 'We are checking in the day after your visit at {c}. Please tell us how you are today.',
  },
  'phq9-check-in': {
    subject: 'A short check-in from {c}',
    sms: '{c}: a short check-in questionnaire is ready for you.',
    smsLink: 'Start:',
    email: 'A short check-in questionnaire from {c} is ready for you. It takes about two minutes.',
  },
  'booster-due': {
    subject: 'Time to book your next visit',
    sms: "{c}: it's time to book your next visit.",
    smsLink: 'Choose a time:',
    email: "It's time to book your next visit at {c}. Choose a time with the link below.",
  },
  'crisis-resources': {
    subject: 'Help is available now',
    sms:
      `{c}: if you are thinking about harming yourself, call or text 988 (${CRISIS_LIFELINE}) any time. ` +
      'If you are in immediate danger, call 911. Our care team has been notified.',
    smsLink: 'More:',
    email:
      `If you are thinking about harming yourself, call or text 988 to reach the ${CRISIS_LIFELINE}, any time, day ` +
      'or night. If you are in immediate danger, call 911. The care team at {c} has been notified.',
  },
  'booster-offer': {
    subject: 'A time is available for your next visit',
    sms: '{c}: a time is available for your next visit on {d} at {t}.',
    smsLink: 'Tap to book:',
    email: 'A time is available for your next visit at {c}: {d} at {t}. Book it with the link below.',
  },
  'waitlist-offer': {
    subject: 'An earlier time opened up',
    sms: '{c}: an earlier time opened up on {d} at {t}.',
    smsLink: 'Tap to take it:',
    email: 'An earlier time opened up at {c}: {d} at {t}. Take it with the link below while it is free.',
  },
  'waitlist-offer-gone': {
    subject: 'The earlier time has been taken',
    sms: '{c}: the time you were offered on {d} at {t} has been taken; you stay on the waitlist.',
    smsLink: 'Details:',
    email:
      'The time you were offered at {c} on {d} at {t} has been taken. You stay on the waitlist, and we will message you ' +
      'when another time opens up.',
  },
};

/** Clinic display names like "Northside Ketamine Center" would leak the treatment. */
const NEUTRAL_CLINIC_NAME = 'Your clinic';

/**
 * The clinic name as patient-facing text may show it: a name that carries a forbidden word (or
 * is blank) becomes "Your clinic". Shared by the templates and the email's calendar entry.
 */
export function messageClinicName(name: string): string {
  return findForbiddenWords(name).length > 0 || !name.trim() ? NEUTRAL_CLINIC_NAME : name.trim();
}

function fill(text: string, ctx: MessageContext, clinic: string): string {
  return text.replaceAll('{c}', clinic).replaceAll('{d}', ctx.localDate).replaceAll('{t}', ctx.localTime);
}

/**
 * Renders a message for a channel. Both channels carry the minimum necessary (email subjects
 * show on lock screens too).
 *
 * A clinic name containing a forbidden word is replaced by "Your clinic" rather than failing the
 * reminder: the name is configuration the clinic may not have chosen with SMS in mind. Any other
 * forbidden word in the result — one that came in through the date, time or link — fails closed.
 *
 * @throws DomainError `validation` when the rendered text would carry a forbidden word
 */
export function renderMessage(kind: MessageKind, ctx: MessageContext, channel: MessageChannel): RenderedMessage {
  const template = TEMPLATES[kind];
  if (!template) throw new DomainError('validation', `Unknown message kind ${String(kind)}`, { path: 'kind' });
  const clinic = messageClinicName(ctx.clinicName);
  const url = ctx.actionUrl?.trim();

  const rendered: RenderedMessage =
    channel === 'sms'
      ? { body: fill(template.sms, ctx, clinic) + (url ? ` ${template.smsLink} ${url}` : '') }
      : { subject: fill(template.subject, ctx, clinic), body: fill(template.email, ctx, clinic) + (url ? `\n\n${url}` : '') };

  // A one-tap token is random base64url: it can spell "-dose" or "_IV" by chance and says nothing.
  // Everything else of the link (its host and path) is scanned like the text.
  const scanned = url ? `${rendered.body.replace(url, '')} ${url.replace(ACTION_TOKEN, '/actions/')}` : rendered.body;
  const leaked = findForbiddenWords(`${rendered.subject ?? ''} ${scanned}`, kind);
  if (leaked.length > 0) {
    throw new DomainError('validation', 'A message would disclose clinical content', { reason: 'forbidden-words', words: leaked });
  }
  return rendered;
}
