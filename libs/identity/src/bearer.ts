/**
 * The token of an `Authorization: Bearer <token>` header, or null. The scheme name is
 * case-insensitive (RFC 7235 §2.1), so `bearer` and `BEARER` are the same scheme.
 */
export function bearerToken(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string') return null;
  const m = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m ? m[1] : null;
}
