/**
 * The few named domain errors. They carry a stable code; the HTTP layer maps
 * codes to statuses in exactly one place (functions/http/middleware.ts).
 */
export type ErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'gone'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'too_many_requests';

export class LetheError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Response headers the error carries to the client, e.g. `retry-after` on a 429. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'LetheError';
  }
}

export const invalidRequest = (message: string) => new LetheError('invalid_request', message);
export const unauthorized = (message = 'A valid bearer token is required.') =>
  new LetheError('unauthorized', message);
export const forbidden = (message = 'You may not act on this account.') =>
  new LetheError('forbidden', message);
export const notFound = (message = 'No such account.') => new LetheError('not_found', message);
export const conflict = (message: string) => new LetheError('conflict', message);
/** A link that worked once and no longer does: expired, or already used. */
export const gone = (message: string) => new LetheError('gone', message);
/** Why a restore link offers no restore: each reason has its own page, in the reader's words. */
export type LinkRefusal = 'invalid' | 'expired' | 'used' | 'superseded' | 'purged';

/** A restore link that does not (or no longer) work: 400 when it is not genuine, 410 when it was. */
export class LinkRefused extends LetheError {
  constructor(
    readonly refusal: LinkRefusal,
    message: string,
  ) {
    super(refusal === 'invalid' ? 'invalid_request' : 'gone', message);
  }
}

/** A 429 that tells the caller, in `Retry-After`, how many seconds to wait. */
export const tooManyRequests = (message: string, retryAfterSeconds: number) =>
  new LetheError('too_many_requests', message, {
    'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))),
  });
