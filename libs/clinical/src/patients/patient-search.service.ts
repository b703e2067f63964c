import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '@chairtime/domain';
import { AuditService } from '@chairtime/audit';
import { assertClinicScope } from '@chairtime/identity';
import { decodeCursor, encodeCursor, Page } from '@chairtime/scheduling';
import { Actor, assertStaff } from '../clinical-access';

/** One row of `GET /v1/patients`: what a desk needs to tell two patients apart. */
export interface PatientSearchItem {
  id: string;
  givenName: string;
  familyName: string;
  displayName: string;
  birthDate: string;
  email: string | null;
  phone: string | null;
  contactPreference: 'sms' | 'email';
}

export interface PatientSearchQuery {
  clinicId: string;
  query?: string;
  limit?: number;
  cursor?: string;
}

/** The shape of what was typed decides which fields it is matched against. */
export type PatientSearchTerm =
  | { by: 'birth-date'; prefix: string }
  | { by: 'email'; prefix: string }
  | { by: 'phone'; digits: string }
  | { by: 'name'; tokens: string[] };

/**
 * Reads a search box the way a front desk types into it: a date (or its start, `1986-03`) is a
 * birth date; something with `@` an email; digits with phone punctuation (`(555) 010`, `+1 555`)
 * a phone number, compared digit by digit; anything else name words, each of which must begin the
 * given or the family name (`ma ch` finds Maya Chen), or a single word that begins an email.
 * Everything is a case-insensitive prefix.
 */
export function parsePatientSearch(raw: string): PatientSearchTerm {
  const q = raw.trim().toLowerCase();
  if (/^\d{4}(-\d{0,2}(-\d{0,2})?)?$/.test(q)) return { by: 'birth-date', prefix: q };
  if (q.includes('@')) return { by: 'email', prefix: q };
  if (/^[+\d\s().-]+$/.test(q) && /\d/.test(q)) return { by: 'phone', digits: q.replace(/\D/g, '') };
  return { by: 'name', tokens: q.split(/\s+/).filter(Boolean) };
}

/** `LIKE` pattern for a literal prefix: the user's `%`, `_` and `\` match themselves. */
const prefixPattern = (s: string): string => `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Patient search and list for staff (`GET /v1/patients`): a clinic's patients by family then
 * given name, optionally narrowed by {@link parsePatientSearch}, paged by a keyset cursor. Every
 * match is a prefix of an indexed lower-case expression (migration PatientSearch), so a clinic
 * with many patients answers from the indexes.
 */
@Injectable()
export class PatientSearchService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async search(actor: Actor, q: PatientSearchQuery): Promise<Page<PatientSearchItem>> {
    assertStaff(actor.principal, 'Clinic');
    assertClinicScope(actor.principal, q.clinicId);
    const limit = Math.min(q.limit ?? 50, 200);
    const params: unknown[] = [q.clinicId];
    const where = ['p.clinic_id = $1'];
    const add = (sql: (n: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    const term = q.query?.trim() ? parsePatientSearch(q.query) : null;
    if (term?.by === 'birth-date') add((n) => `p.birth_date::text LIKE ${n}`, prefixPattern(term.prefix));
    if (term?.by === 'email') add((n) => `lower(p.email) LIKE ${n}`, prefixPattern(term.prefix));
    if (term?.by === 'phone') {
      // Numbers are kept as E.164: "555 0100" is typed without the country code as often as with it.
      add(
        (n) => `(regexp_replace(p.phone, '\\D', '', 'g') LIKE ${n} OR regexp_replace(p.phone, '\\D', '', 'g') LIKE '1' || ${n})`,
        prefixPattern(term.digits),
      );
    }
    if (term?.by === 'name') {
      if (term.tokens.length > 5) throw new DomainError('validation', 'at most five words', { path: 'query' });
      for (const t of term.tokens) {
        const tail = term.tokens.length === 1 ? (n: string) => ` OR lower(p.email) LIKE ${n}` : () => '';
        add((n) => `(lower(p.given_name) LIKE ${n} OR lower(p.family_name) LIKE ${n}${tail(n)})`, prefixPattern(t));
      }
    }
    const after = decodeCursor(q.cursor);
    if (after) {
      const key = parseSortKey(after.sortKey);
      params.push(key[0], key[1], after.id);
      const n = params.length;
      where.push(`(lower(p.family_name), lower(p.given_name), p.id) > ($${n - 2}, $${n - 1}, $${n}::uuid)`);
    }
    params.push(limit + 1);
    const rows: {
      id: string;
      given_name: string;
      family_name: string;
      birth_date: string;
      email: string | null;
      phone: string | null;
      contact_preference: 'sms' | 'email';
      family_key: string;
      given_key: string;
    }[] = await this.dataSource.query(
      `SELECT p.id, p.given_name, p.family_name, p.birth_date::text AS birth_date, p.email, p.phone, p.contact_preference,
              lower(p.family_name) AS family_key, lower(p.given_name) AS given_key
         FROM patient p WHERE ${where.join(' AND ')}
        ORDER BY lower(p.family_name), lower(p.given_name), p.id LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    // The audit row says who searched which clinic, and how many they saw; not what was typed (it is PHI).
    await this.audit.record({
      actorId: actor.principal.userId,
      actorRole: actor.principal.role,
      action: 'patient.search',
      resourceType: 'patient',
      clinicId: q.clinicId,
      requestId: actor.requestId,
      outcome: 'success',
    });
    return {
      items: page.map((r) => ({
        id: r.id,
        givenName: r.given_name,
        familyName: r.family_name,
        displayName: `${r.given_name} ${r.family_name}`,
        birthDate: r.birth_date,
        email: r.email,
        phone: r.phone,
        contactPreference: r.contact_preference,
      })),
      nextCursor: rows.length > limit && last ? encodeCursor(JSON.stringify([last.family_key, last.given_key]), last.id) : null,
    };
  }
}

function parseSortKey(sortKey: string): [string, string] {
  try {
    const k: unknown = JSON.parse(sortKey);
    if (Array.isArray(k) && k.length === 2 && k.every((s) => typeof s === 'string')) return [k[0] as string, k[1] as string];
  } catch {
    // the 400 below
  }
  throw new DomainError('validation', 'cursor is not a cursor this endpoint issued', { path: 'cursor' });
}
