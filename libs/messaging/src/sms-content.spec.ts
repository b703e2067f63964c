import { FORBIDDEN_SMS_WORDS, MESSAGE_KINDS, findForbiddenWords, localDateAndTime, renderMessage } from '@chairtime/domain';
import { ledgerKey } from './send-message.handler';
import { sendJobId } from './send-job';

describe('what the SMS and email channels send', () => {
  const ctx = {
    clinicName: 'Riverside Wellness',
    ...localDateAndTime(Date.parse('2027-03-02T14:00:00Z'), 'America/New_York'),
    actionUrl: 'https://x.test/a/t',
  };

  it.each(MESSAGE_KINDS.flatMap((k) => [[k, 'sms'] as const, [k, 'email'] as const]))(
    '%s by %s carries no forbidden word',
    (kind, channel) => {
      const { subject, body } = renderMessage(kind, ctx, channel);
      // Email subjects show on lock screens like an SMS does: scanned with the body.
      const text = `${subject ?? ''}\n${body}`;
      expect(findForbiddenWords(text, kind)).toEqual([]);
      // An independent scan too; the one allowed name is the 988 Lifeline in crisis resources.
      const scanned = text.replace('Suicide & Crisis Lifeline', '').toLowerCase();
      for (const w of FORBIDDEN_SMS_WORDS) expect(scanned).not.toMatch(new RegExp(`\\b${w}`));
    },
  );
});

describe('ledgerKey', () => {
  const base = {
    appointmentId: 'a1',
    patientId: 'p1',
    kind: 'reminder',
    plannedAt: new Date('2027-03-01T12:00:00Z'),
    appointmentVersion: 2,
  };

  it('is stable for the same send and differs by version', () => {
    expect(ledgerKey(base)).toBe(ledgerKey({ ...base }));
    expect(ledgerKey({ ...base, appointmentVersion: 3 })).not.toBe(ledgerKey(base));
  });

  it('falls back to the patient for messages without a visit', () => {
    expect(ledgerKey({ ...base, appointmentId: null })).toContain('p1|');
  });
});

describe('sendJobId', () => {
  const id = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

  it('is deterministic, short and BullMQ-safe', () => {
    expect(sendJobId(id)).toBe(sendJobId(id));
    expect(sendJobId(id)).toMatch(/^msg-[A-Za-z0-9_-]{22}$/);
    expect(sendJobId('7c9e6679-7425-40de-944b-e07fc1f90ae8')).not.toBe(sendJobId(id));
  });
});
