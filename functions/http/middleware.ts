/**
 * The shared middy stack of every HTTP handler: authentication from the JWT
 * claims, path and body validation, and the one place where domain errors
 * become HTTP statuses. Handlers see a typed request and return a result.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { logger, maskId } from '../commons/logger.ts';
import { isAccountId } from '../core/account-id.ts';
import { type ErrorCode, invalidRequest, LetheError, LinkRefused, unauthorized } from '../core/errors.ts';
import { type Actor, authorize, type Caller, callerFromClaims } from '../core/lifecycle.ts';
import { type Reader, readerOfAcceptLanguage } from '../core/reader.ts';
import { restoreFlowPage, type Site } from './html.ts';
import type { BodySchema } from './schemas.ts';

export const MAX_BODY_BYTES = 16 * 1024;

/** The one mapping from domain error codes to HTTP statuses. */
export const STATUS_OF: Record<ErrorCode | 'internal', number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
  internal: 500,
};

const BASE_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export const jsonResponse = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResultV2 => ({
  statusCode,
  headers: { ...BASE_HEADERS, ...headers },
  body: JSON.stringify(body),
});

export const errorResponse = (
  code: ErrorCode | 'internal',
  message: string,
  headers?: Record<string, string>,
) => jsonResponse(STATUS_OF[code], { error: { code, message } }, headers);

export type Event = APIGatewayProxyEventV2WithJWTAuthorizer;

export interface AccountRequest<B> {
  readonly accountId: string;
  readonly caller: Caller;
  readonly actor: Actor;
  readonly body: B;
  /** The other path parameters (the account id is checked above), as API Gateway decoded them. */
  readonly path: Readonly<Record<string, string | undefined>>;
}

export interface Reply {
  readonly statusCode: number;
  readonly body: unknown;
}

interface Options<B> {
  /** The body schema; omit for routes that take no body. */
  readonly body?: BodySchema<B>;
  /** Legal holds and other operator-only actions. */
  readonly operatorOnly?: boolean;
}

const header = (event: Event, name: string): string | undefined => {
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
};

/** Parses and validates the body: 413, 415 and 400 before the use case sees anything. */
export const parseBody = <B>(event: Event, schema: BodySchema<B> | undefined): B | undefined => {
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  const size = Buffer.byteLength(text, 'utf8');
  if (size > MAX_BODY_BYTES) {
    throw new LetheError('payload_too_large', `The request body may be at most ${MAX_BODY_BYTES} bytes.`);
  }
  if (text.trim() === '') {
    if (schema && !schema.optional) throw invalidRequest('A JSON request body is required.');
    return undefined;
  }
  if (!schema) throw invalidRequest('This endpoint takes no request body.');
  const contentType = header(event, 'content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    throw new LetheError('unsupported_media_type', 'Send the request body as application/json.');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidRequest('The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidRequest('The request body must be a JSON object.');
  }
  const result = schema.check(parsed as Record<string, unknown>);
  if (!result.ok) throw invalidRequest(`Invalid request body: ${result.problems.slice(0, 5).join('; ')}.`);
  return result.value;
};

/** Maps anything thrown to the spec's error format; ≥ 500 reaches the client as a generic message. */
export const toErrorResponse = (error: unknown): APIGatewayProxyResultV2 => {
  if (error instanceof LetheError) return errorResponse(error.code, error.message, { ...error.headers });
  logUnhandled(error);
  return errorResponse('internal', 'Something went wrong on our side. Please try again later.');
};

const logUnhandled = (error: unknown) =>
  logger.error('Unhandled error', {
    error:
      error instanceof Error
        ? { name: error.name, message: error.message, stack: error.stack }
        : String(error),
  });

/** The restore flow's page for an error: its status, in the reader's words; never a stack trace. */
export const toHtmlErrorResponse = (error: unknown, reader: Reader, site: Site): APIGatewayProxyResultV2 => {
  if (error instanceof LinkRefused)
    return restoreFlowPage(STATUS_OF[error.code], error.refusal, reader, site);
  // A purge claimed the account between the page's check and the restore's write.
  if (error instanceof LetheError && error.code === 'conflict') {
    return restoreFlowPage(STATUS_OF.conflict, 'purged', reader, site);
  }
  // A form that did not come from the page (no token, another content type, too large).
  if (error instanceof LetheError) return restoreFlowPage(STATUS_OF[error.code], 'invalid', reader, site);
  logUnhandled(error);
  return restoreFlowPage(500, 'error', reader, site);
};

/** Turns anything thrown into the spec's error format. Used as the last `.use()`. */
export const httpErrors = (
  toResponse: (error: unknown, event?: Event) => APIGatewayProxyResultV2 = toErrorResponse,
): middy.MiddlewareObj<Event, APIGatewayProxyResultV2> => ({
  onError: async (request) => {
    request.response = toResponse(request.error, request.event);
    const statusCode = typeof request.response === 'object' ? request.response.statusCode : undefined;
    if (statusCode !== undefined && statusCode < 500) logger.info('Request refused', { statusCode });
  },
});

/** Puts the Lambda context on every log line and drops per-request keys afterwards. */
export const requestLogging = (): middy.MiddlewareObj<Event, APIGatewayProxyResultV2, Error, Context> => {
  const clear = async () => {
    logger.removeKeys(['account', 'actor']);
  };
  return {
    before: async (request) => {
      logger.addContext(request.context);
    },
    after: clear,
    onError: clear,
  };
};

/**
 * Checks a request on `/v1/accounts/{accountId}/…` in the order a caller
 * should learn about problems: who they are (401), which account (400),
 * whether they may act on it (403), then the body (413, 415, 400).
 */
export const accountRequest = <B>(
  options: Options<B>,
): middy.MiddlewareObj<Event & { lethe?: AccountRequest<B | undefined> }, APIGatewayProxyResultV2> => ({
  before: async (request) => {
    const { event } = request;
    const claims = (event.requestContext?.authorizer?.jwt?.claims ?? {}) as Record<string, unknown>;
    const caller = callerFromClaims(claims);
    if (!caller) throw unauthorized();
    const accountId = event.pathParameters?.accountId;
    if (!isAccountId(accountId)) {
      throw invalidRequest('accountId must be 1-128 letters, digits or ._:|@+- characters.');
    }
    const actor = authorize(caller, accountId, { operatorOnly: options.operatorOnly ?? false });
    logger.appendKeys({ account: maskId(accountId), actor: actor.kind });
    event.lethe = {
      accountId,
      caller,
      actor,
      body: parseBody(event, options.body),
      path: { ...event.pathParameters },
    };
  },
});

/** A handler on an account route: the shared stack, then `handle` with a checked request. */
export const accountHandler = <B = never>(
  options: Options<B>,
  handle: (request: AccountRequest<B | undefined>) => Promise<Reply>,
) =>
  middy<Event & { lethe?: AccountRequest<B | undefined> }, APIGatewayProxyResultV2, Error, Context>()
    .use(requestLogging())
    .use(accountRequest(options))
    .use(httpErrors())
    .handler(async (event) => {
      if (!event.lethe) throw new Error('accountRequest middleware did not run');
      const reply = await handle(event.lethe);
      logger.info('Request handled', { statusCode: reply.statusCode });
      return jsonResponse(reply.statusCode, reply.body);
    });

/** The one field of the restore form, from an `application/x-www-form-urlencoded` body. */
export const formField = (event: Event, name: string): string | undefined => {
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new LetheError('payload_too_large', 'The form is too large.');
  }
  const contentType = header(event, 'content-type') ?? '';
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(contentType)) {
    throw new LetheError('unsupported_media_type', 'Please use the button on the restore page.');
  }
  return new URLSearchParams(text).get(name) ?? undefined;
};

/**
 * A handler behind an open route that answers HTML (the restore link's
 * pages), in the reader's language: `readerOf` finds it (the profile's locale
 * and zone, else the browser's `Accept-Language`), and error pages use it too.
 * The event, its query and its body, which carry the token, are never logged (I7).
 */
export const pageHandler = (
  site: Site,
  readerOf: (event: Event) => Promise<Reader>,
  handle: (event: Event, reader: Reader) => Promise<APIGatewayProxyResultV2>,
) => {
  // The reader found for a request, so its error page (thrown later) speaks the same language.
  const readers = new WeakMap<Event, Reader>();
  return middy<Event, APIGatewayProxyResultV2, Error, Context>()
    .use(requestLogging())
    .use(
      httpErrors((error, event) =>
        toHtmlErrorResponse(error, (event && readers.get(event)) ?? browserReaderOf(event), site),
      ),
    )
    .handler(async (event) => {
      const reader = await readerOf(event);
      readers.set(event, reader);
      const response = await handle(event, reader);
      logger.info('Request handled', {
        statusCode: typeof response === 'object' ? response.statusCode : undefined,
      });
      return response;
    });
};

/** The reader a request's browser asks for (`Accept-Language`), in UTC. */
export const browserReaderOf = (event: Event | undefined): Reader =>
  readerOfAcceptLanguage(event && header(event, 'accept-language'));
