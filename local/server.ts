/**
 * The local API Gateway: turns each HTTP request into the HTTP API (v2)
 * event API Gateway would send, checks the token as the JWT authorizer would,
 * and calls the very same handler a Lambda would run.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { ThrottleSettings } from '../functions/core/resources.ts';
import { fallbackRoute, matchRoute, type RouteDefinition, routes } from '../functions/http/routes.ts';
import type { Verifier } from './jwt.ts';
import { lambdaContext } from './lambda-context.ts';
import { tokenBucket } from './throttle.ts';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

/** API Gateway refuses bodies over 10 MB before any Lambda runs. */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;
const TEXT_TYPES = /^(application\/(json|x-www-form-urlencoded|xml)|text\/)/i;

const loadHandlers = async (): Promise<Map<string, Handler>> => {
  const ids = [...routes.map((r) => r.id), fallbackRoute.id];
  const entries = await Promise.all(
    ids.map(async (id) => {
      const module = (await import(`../functions/http/${id}.ts`)) as { handler: Handler };
      return [id, module.handler] as const;
    }),
  );
  return new Map(entries);
};

const readBody = (req: IncomingMessage): Promise<Buffer | 'too_large'> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_REQUEST_BYTES ? 'too_large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });

/** API Gateway passes JWT claims to the Lambda as strings. */
const claimsAsStrings = (claims: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(claims).map(([k, v]) => [k, Array.isArray(v) ? `[${v.join(' ')}]` : String(v)]),
  );

const toEvent = (
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  routeKey: string,
  pathParameters: Record<string, string> | undefined,
  claims: Record<string, string> | undefined,
): APIGatewayProxyEventV2 => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && name !== 'cookie')
      headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const cookies = req.headers.cookie?.split(';').map((c) => c.trim());
  const query = [...url.searchParams.keys()].length
    ? Object.fromEntries(
        [...new Set(url.searchParams.keys())].map((k) => [k, url.searchParams.getAll(k).join(',')]),
      )
    : undefined;
  const text = body.length === 0 || TEXT_TYPES.test(headers['content-type'] ?? '');
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    ...(cookies && { cookies }),
    headers,
    ...(query && { queryStringParameters: query }),
    ...(pathParameters && { pathParameters }),
    isBase64Encoded: !text,
    ...(body.length > 0 && { body: text ? body.toString('utf8') : body.toString('base64') }),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: url.host,
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      ...(claims && { authorizer: { jwt: { claims, scopes: [] } } }),
    },
  } as APIGatewayProxyEventV2;
};

/** API Gateway gives up on an integration after 29 s. */
const contextFor = (id: string, requestId: string): Context => lambdaContext(id, 29_000, requestId);

/** Writes a v2 result the way API Gateway does, including its inference for bare results. */
const send = (res: ServerResponse, result: APIGatewayProxyResultV2) => {
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
    return;
  }
  const headers: Record<string, string | string[]> = { ...(result.headers as Record<string, string>) };
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const body = result.body ?? '';
  res
    .writeHead(result.statusCode ?? 200, headers)
    .end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
};

/**
 * API Gateway's own answers, byte for byte: the JWT authorizer's refusal and
 * stage throttling reach clients before any Lethe handler runs, in this
 * shape rather than Lethe's `{"error": …}`, so local mode answers the same.
 */
export const GATEWAY_UNAUTHORIZED = '{"message":"Unauthorized"}';
export const GATEWAY_THROTTLED = '{"message":"Too Many Requests"}';

/** As the JWT authorizer: `www-authenticate` says why, when a token came at all. */
const unauthorized = (res: ServerResponse, reason: string | undefined) => {
  const challenge =
    reason === undefined ? 'Bearer' : `Bearer scope="" error="invalid_token" error_description="${reason}"`;
  res
    .writeHead(401, { 'content-type': 'application/json', 'www-authenticate': challenge })
    .end(GATEWAY_UNAUTHORIZED);
};

const throttled = (res: ServerResponse) => {
  res.writeHead(429, { 'content-type': 'application/json' }).end(GATEWAY_THROTTLED);
};

const plainError = (res: ServerResponse, status: number, code: string, message: string) => {
  res
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
    .end(JSON.stringify({ error: { code, message } }));
};

export interface ApiServer {
  readonly url: string;
  close(): Promise<void>;
}

export interface ApiServerOptions {
  readonly port: number;
  readonly verify: Verifier;
  /** The stage's throttling (one token bucket for the whole API, as in AWS). @default none */
  readonly throttle?: ThrottleSettings;
  /** One line per request, with the route template rather than the path: ids stay out of the log. */
  readonly onRequest?: (line: string) => void;
}

export const startApiServer = async ({
  port,
  verify,
  throttle,
  onRequest,
}: ApiServerOptions): Promise<ApiServer> => {
  const handlers = await loadHandlers();
  const admit = throttle ? tokenBucket(throttle) : () => true;
  const invoke = async (id: string, event: APIGatewayProxyEventV2) => {
    const handler = handlers.get(id);
    if (!handler) throw new Error(`No handler for ${id}`);
    return handler(event, contextFor(id, event.requestContext.requestId));
  };

  const server = createServer(async (req, res) => {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    let label = `${method} (unmatched)`;
    try {
      // Stage throttling comes first in API Gateway: before routing, the authorizer or any Lambda.
      if (!admit()) {
        req.resume();
        throttled(res);
        return;
      }
      const body = await readBody(req);
      if (body === 'too_large') {
        plainError(res, 413, 'payload_too_large', 'The request body is too large.');
        return;
      }
      const match = matchRoute(method, url.pathname);
      if (match.kind !== 'route') {
        send(res, await invoke(fallbackRoute.id, toEvent(req, url, body, '$default', undefined, undefined)));
        return;
      }
      const route: RouteDefinition = match.route;
      label = `${route.method} ${route.path}`;
      let claims: Record<string, string> | undefined;
      if (route.auth === 'jwt') {
        const verdict = await verify(req.headers.authorization);
        if ('refused' in verdict) {
          unauthorized(res, verdict.reason);
          return;
        }
        claims = claimsAsStrings(verdict.claims);
      }
      const routeKey = `${route.method} ${route.path}`;
      send(res, await invoke(route.id, toEvent(req, url, body, routeKey, match.pathParameters, claims)));
    } catch (error) {
      // A handler that throws is a Lambda error: API Gateway answers a bare 500.
      onRequest?.(`handler error: ${error instanceof Error ? error.name : 'unknown'}`);
      if (!res.headersSent) plainError(res, 500, 'internal', 'Internal Server Error');
    } finally {
      onRequest?.(`${label} → ${res.statusCode} (${Math.round(performance.now() - started)} ms)`);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
