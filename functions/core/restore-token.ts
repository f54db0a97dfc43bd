/**
 * The restore link's token: signed (HMAC-SHA256), expiring at `purgeAfter`,
 * and single-purpose. It names one account and one deactivation (its
 * `deactivatedAt`), so it stops working once that deactivation is over: after
 * a restore (used) and after a later deactivation (a new series, new links).
 *
 *   v1.<base64url(JSON {p:"restore", a, d, e})>.<base64url(HMAC(key, "v1." + payload))>
 *
 * No I/O: the key is passed in. It is derived from the subject key with its
 * own label (restoreKeyFrom), so it needs no secret of its own and a token
 * can never be confused with a subject.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isAccountId } from './account-id.ts';
import { LinkRefused } from './errors.ts';

const VERSION = 'v1';
const PURPOSE = 'restore';
/** Far longer than any token Lethe makes; longer input is refused before any work. */
export const MAX_TOKEN_LENGTH = 1024;

export interface RestoreClaims {
  readonly accountId: string;
  readonly deactivatedAt: string;
  /** When the link stops working: the deactivation's `purgeAfter`. */
  readonly expiresAt: string;
}

export const restoreKeyFrom = (subjectKey: string): Buffer =>
  createHmac('sha256', subjectKey).update('lethe:restore-link:v1').digest();

const mac = (key: Buffer, signed: string) => createHmac('sha256', key).update(signed).digest();

export const signRestoreToken = (key: Buffer, claims: RestoreClaims): string => {
  const payload = Buffer.from(
    JSON.stringify({ p: PURPOSE, a: claims.accountId, d: claims.deactivatedAt, e: claims.expiresAt }),
  ).toString('base64url');
  const signed = `${VERSION}.${payload}`;
  return `${signed}.${mac(key, signed).toString('base64url')}`;
};

const invalid = () =>
  new LinkRefused('invalid', 'This restore link is not valid. Please use the link from the email.');

/** The claims of a genuine token, expired or not (whose page to show); anything else throws 400. */
export const readRestoreToken = (key: Buffer, token: string | undefined): RestoreClaims => {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw invalid();
  const [version, payload, signature, ...rest] = token.split('.');
  if (version !== VERSION || !payload || !signature || rest.length > 0) throw invalid();
  const expected = mac(key, `${version}.${payload}`);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const { p, a, d, e } = (body ?? {}) as Record<string, unknown>;
  if (p !== PURPOSE || !isAccountId(a) || typeof d !== 'string' || typeof e !== 'string') throw invalid();
  if (Number.isNaN(Date.parse(e))) throw invalid();
  return { accountId: a, deactivatedAt: d, expiresAt: e };
};

/** The claims of a genuine, unexpired token; anything else throws (400 tampered, 410 expired). */
export const verifyRestoreToken = (key: Buffer, token: string | undefined, now: Date): RestoreClaims => {
  const claims = readRestoreToken(key, token);
  if (Date.parse(claims.expiresAt) <= now.getTime()) {
    throw new LinkRefused('expired', 'This restore link has expired: the grace period is over.');
  }
  return claims;
};
