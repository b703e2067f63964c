import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** File name of the generated signing secret inside the instance's data folder. */
export const JWT_SECRET_FILE = 'jwt-secret';

/**
 * The instance's token-signing secret when JWT_SECRET is not set (outside production): 48 random
 * bytes created once in `dataDir/jwt-secret` (mode 0600) and read by every process of the
 * instance — API processes and workers must agree, as tokens and one-tap links signed by one are
 * verified by the others. Creation is atomic: the secret is written to a private temporary file
 * and hard-linked into place, which fails if another process got there first; the loser reads
 * the winner's. Never a constant in the source: anyone who reads the repository could mint tokens.
 */
export function instanceSecret(dataDir: string): string {
  const file = join(dataDir, JWT_SECRET_FILE);
  const existing = readSecret(file);
  if (existing !== null) return existing;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  writeFileSync(temp, `${randomBytes(48).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    unlinkSync(temp);
  }
  const created = readSecret(file);
  if (created === null) throw new Error(`${file} is empty`);
  return created;
}

function readSecret(file: string): string | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  // A copy restored with loose permissions is tightened rather than trusted as-is by others.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return text === '' ? null : text;
}
