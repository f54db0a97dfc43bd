/**
 * The one signature scheme Lethe speaks with third parties, both ways:
 * `x-lethe-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 * Lethe signs its deletion requests with it, and checks processors'
 * confirmations with it, each processor with its own secret.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-lethe-signature';

export const signBody = (secret: string, timestamp: number, body: string): string =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

export const signatureHeader = (secret: string, timestamp: number, body: string): string =>
  `t=${timestamp},v1=${signBody(secret, timestamp, body)}`;

/**
 * True when the header signs this body with this secret, and its time is
 * within `toleranceMs` of now (so a captured request cannot be replayed later).
 */
export const verifySignature = (
  header: string | undefined,
  secret: string,
  body: string,
  now: Date,
  toleranceMs: number,
): boolean => {
  const parts = Object.fromEntries(
    (header ?? '').split(',').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()];
    }),
  );
  const timestamp = Number(parts.t);
  const given = parts.v1;
  if (!Number.isInteger(timestamp) || typeof given !== 'string' || !/^[0-9a-f]{64}$/.test(given))
    return false;
  if (Math.abs(now.getTime() - timestamp * 1000) > toleranceMs) return false;
  const expected = Buffer.from(signBody(secret, timestamp, body), 'hex');
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
};
