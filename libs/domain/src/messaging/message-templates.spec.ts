import { DomainError } from '../shared/domain-error';
import { MESSAGE_CHANNELS, MESSAGE_KINDS, MessageKind } from './message-kinds';
import { findForbiddenWords, FORBIDDEN_SMS_WORDS, localDateAndTime, renderMessage } from './message-templates';

const ctx = { clinicName: 'Northside Wellness', localDate: 'Tue, Mar 9', localTime: '10:00 AM', actionUrl: 'https://go.example.com/a/x1' };

/**
 * The brief's words, checked as plain substrings — independent of the module's own matcher, so
 * a bug in `findForbiddenWords` cannot hide a leak.
 */
const PLAIN = [
  'ketamine',
  'esketamine',
  'spravato',
  'infusion',
  'injection',
  'depression',
  'phq',
  'suicid',
  'treatment',
  'dose',
  'psych',
  'anxiety',
];

/**
 * The one exception: crisis resources name the "988 Suicide & Crisis Lifeline", the service the
 * patient will reach — it contains "suicid" and is allowed for that kind only.
 */
const scrub = (kind: MessageKind, text: string) => (kind === 'crisis-resources' ? text.replace('Suicide & Crisis Lifeline', '') : text);

describe('renderMessage: minimum necessary', () => {
  const cases = MESSAGE_KINDS.flatMap((kind) =>
    MESSAGE_CHANNELS.flatMap((channel) => [true, false].map((link) => [kind, channel, link] as const)),
  );

  it.each(cases)('%s over %s (link: %s) carries no clinical word', (kind, channel, link) => {
    const r = renderMessage(kind, { ...ctx, actionUrl: link ? ctx.actionUrl : undefined }, channel);
    const text = `${r.subject ?? ''} ${r.body}`;
    expect(findForbiddenWords(text, kind)).toEqual([]);
    const lower = scrub(kind, text).toLowerCase();
    for (const word of PLAIN) expect(lower).not.toContain(word);
    expect(r.body).toContain('Northside Wellness');
    if (link) expect(r.body).toContain(ctx.actionUrl);
    if (channel === 'sms') {
      expect(r.subject).toBeUndefined();
      expect(r.body.length).toBeLessThanOrEqual(320);
    } else {
      expect(r.subject).toBeTruthy();
    }
  });

  it.each(
    MESSAGE_KINDS.filter(
      (k) => !['side-effects-check-in', 'next-day-check-in', 'phq9-check-in', 'booster-due', 'crisis-resources'].includes(k),
    ),
  )('%s names the local date and time', (kind) => {
    const { body } = renderMessage(kind, ctx, 'sms');
    expect(body).toContain('Tue, Mar 9');
    expect(body).toContain('10:00 AM');
  });

  it('crisis resources give 988 and 911 on every channel', () => {
    for (const channel of MESSAGE_CHANNELS) {
      const { body } = renderMessage('crisis-resources', ctx, channel);
      expect(body).toContain('988');
      expect(body).toContain('911');
      expect(body).toContain('Suicide & Crisis Lifeline');
    }
  });

  it('allows the Lifeline name for crisis resources only', () => {
    expect(findForbiddenWords('Call 988, the Suicide & Crisis Lifeline', 'crisis-resources')).toEqual([]);
    expect(findForbiddenWords('Call 988, the Suicide & Crisis Lifeline', 'reminder')).toEqual(['suicid']);
    expect(findForbiddenWords('suicidal thoughts? Call 988 (Suicide & Crisis Lifeline)', 'crisis-resources')).toEqual(['suicid']);
  });

  it('lists the words the brief names', () => {
    for (const w of ['ketamine', 'esketamine', 'spravato', 'infusion', 'phq', 'suicid']) expect(FORBIDDEN_SMS_WORDS).toContain(w);
  });

  it.each([
    ['Your KETAMINE visit', ['ketamine']],
    ['esketamine', ['esketamine']],
    ['infusions', ['infusion']],
    ['Depressed?', ['depress']],
    ['PHQ-9 check', ['phq']],
    ['suicidal', ['suicid']],
    ['Spravato session', ['spravato']],
    ['treatments', ['treatment']],
    ['injection', ['inject']],
    ['psychiatric', ['psych']],
    ['Your visit on Tue at 10:00 AM', []],
    ['terms and premises', []],
  ])('finds forbidden words in %j: %j', (text, words) => {
    expect(findForbiddenWords(text)).toEqual(words);
  });
});

describe('renderMessage: inputs that would leak', () => {
  it('replaces a clinic name that names the treatment with "Your clinic"', () => {
    const { body } = renderMessage('reminder', { ...ctx, clinicName: 'Northside Ketamine & Infusion Center' }, 'sms');
    expect(body.startsWith('Your clinic:')).toBe(true);
    expect(body.toLowerCase()).not.toContain('ketamine');
  });

  it('fails closed when a link carries a forbidden word', () => {
    expect.assertions(2);
    try {
      renderMessage('reminder', { ...ctx, actionUrl: 'https://example.com/ketamine-reminder' }, 'sms');
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect(e).toMatchObject({ code: 'validation', details: { reason: 'forbidden-words', words: ['ketamine'] } });
    }
  });

  it('does not read words into the random token of a one-tap link, but still scans the rest of it', () => {
    const token = '/v1/actions/eyJwdXJwb3NlIjoiY29uZmlybS1yaWRlIn0-dose_IV.sig-Ketamine_x';
    expect(renderMessage('reminder', { ...ctx, actionUrl: `https://go.example.com${token}` }, 'sms').body).toContain(token);
    expect(() => renderMessage('reminder', { ...ctx, actionUrl: `https://ketamine.example.com${token}` }, 'sms')).toThrow(DomainError);
  });

  it('renders the exact SMS, with and without a link', () => {
    expect(renderMessage('reminder', ctx, 'sms').body).toBe(
      'Northside Wellness: reminder of your visit on Tue, Mar 9 at 10:00 AM. Tap to confirm you are coming: https://go.example.com/a/x1',
    );
    expect(renderMessage('reminder', { ...ctx, actionUrl: undefined }, 'sms').body).toBe(
      'Northside Wellness: reminder of your visit on Tue, Mar 9 at 10:00 AM.',
    );
  });

  it('tells a waitlist patient the offered time is gone with the clinic, date and time only', () => {
    const { body } = renderMessage('waitlist-offer-gone', { ...ctx, actionUrl: undefined }, 'sms');
    expect(body).toBe('Northside Wellness: the time you were offered on Tue, Mar 9 at 10:00 AM has been taken; you stay on the waitlist.');
    const renamed = renderMessage('waitlist-offer-gone', { ...ctx, clinicName: 'Northside Ketamine Clinic', actionUrl: undefined }, 'sms');
    expect(renamed.body.startsWith('Your clinic: the time you were offered')).toBe(true);
  });
});

describe('localDateAndTime', () => {
  it("formats in the patient's zone", () => {
    const t = Date.UTC(2027, 2, 9, 15, 0);
    expect(localDateAndTime(t, 'America/New_York')).toEqual({ localDate: 'Tue, Mar 9', localTime: '10:00 AM' });
    expect(localDateAndTime(t, 'America/Los_Angeles')).toEqual({ localDate: 'Tue, Mar 9', localTime: '7:00 AM' });
  });
});
