/**
 * The HTTP API: one Lambda and one route per entry in functions/http/routes.ts,
 * the JWT authorizer on every `jwt` route, and a `$default` route to the
 * not-found function so unknown paths and methods get Lethe's JSON 404/405.
 */
import { Duration } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { LetheConfig } from '../functions/core/config-schema.ts';
import { DEFAULT_THROTTLE, exportQueue, type ThrottleSettings } from '../functions/core/resources.ts';
import {
  type Access,
  entryOf,
  fallbackRoute,
  type RouteDefinition,
  routes,
} from '../functions/http/routes.ts';
import type { AccountsAccess, AuditAccess } from './iam-actions.ts';
import { LetheFunction, retentionOf } from './lethe-function.ts';
import { acknowledgeNag } from './nag.ts';
import { scopedName } from './names.ts';
import type { LetheStateResources } from './state.ts';

export interface JwtSettings {
  /** The identity provider's issuer URL (the tokens' `iss`). */
  readonly issuer: string;
  /** Accepted `aud` values; a token must carry one of them. */
  readonly audience: readonly string[];
}

/** Defined beside Lethe's other resources, so local mode throttles as the stage does without loading CDK. */
export { DEFAULT_THROTTLE, type ThrottleSettings };

/** The Accounts and Audit tables and the subject key, from the stateful stack. */
export interface LetheApiProps extends LetheStateResources {
  readonly config: LetheConfig;
  readonly jwt: JwtSettings;
  /** @default DEFAULT_THROTTLE */
  readonly throttle?: ThrottleSettings;
  /** Browser origins allowed to call the API. @default none: CORS off */
  readonly corsAllowOrigins?: readonly string[];
  /** Where export requests are queued. */
  readonly exportQueue: IQueue;
  /** @default the routes in functions/http/routes.ts */
  readonly routes?: readonly RouteDefinition[];
}

/**
 * Every access a route may declare must be handled here; `satisfies` makes a
 * new `Access` value a compile error until it is given a grant.
 */
const KNOWN_ACCESS = {
  'accounts:read': true,
  'accounts:write': true,
  'profiles:read': true,
  'notices:write': true,
  'exports:read': true,
  'exports:request': true,
  'confirmations:write': true,
} as const satisfies Record<Access, true>;

/** What an HTTP route may do with the Accounts table; sweeping and purging are enforcement's. */
type RouteAccountsAccess = Extract<AccountsAccess, 'read' | 'write'>;

const accountsAccessOf = (access: readonly Access[]): RouteAccountsAccess | undefined => {
  if (access.includes('accounts:write')) return 'write';
  if (access.includes('accounts:read')) return 'read';
  return undefined;
};

/**
 * Every Accounts user goes through functions/http/deps.ts, which wires the
 * audit log (and so reads the subject key) at cold start: a reader computes
 * the subject to find a purged account's tombstone, a writer also appends
 * the event of each transition.
 */
const AUDIT_ACCESS: Record<RouteAccountsAccess, AuditAccess> = {
  read: 'none',
  write: 'append',
};

/**
 * One JSON object per request. Deliberately absent: the path (an account id
 * can be an email address), the caller's `sub`, headers (Authorization) and
 * bodies, none of which HTTP API logging could mask (I7). `routeKey` is the
 * path template, so a request is still traceable to its route.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  time: '$context.requestTime',
  routeKey: '$context.routeKey',
  method: '$context.httpMethod',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  sourceIp: '$context.identity.sourceIp',
} as const;

/**
 * Why each unauthenticated route may be open, keyed by the SPEC's method and
 * path. An open route missing here fails synth: someone must say why.
 */
const OPEN_ROUTES: Readonly<Record<string, string>> = {
  'GET /health':
    'Readiness probe for load checks and monitors: it touches no store and answers {"status":"ok"} only.',
  'GET /restore':
    "The restore link's page, opened from an email by a signed-out user: it carries its own signed, expiring, single-purpose token and never changes state.",
  'POST /v1/processors/{name}/confirmations':
    "A processor's deletion confirmation (P5), from a third party's server with no Lethe token: the body is HMAC-signed with that processor's own secret and the handler refuses any other.",
  'POST /restore':
    "The restore link's form post from a signed-out user: the signed, expiring, single-purpose token in the form is the credential, checked by the handler.",
};

const openRouteReason = (route: RouteDefinition): string => {
  const reason = OPEN_ROUTES[`${route.method} ${route.path}`];
  if (reason === undefined) {
    throw new Error(
      `route ${route.id} (${route.method} ${route.path}) has auth 'none': add why it may be open to OPEN_ROUTES in lib/api.ts`,
    );
  }
  return reason;
};

const pascal = (id: string): string =>
  id
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

export class LetheApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  /** The stage's invoke URL. */
  readonly url: string;
  /** Every function, by route id (including the not-found fallback). */
  readonly functions: ReadonlyMap<string, LetheFunction>;
  /** Every route, by route id; the `$default` route under the fallback's id, `not-found`. */
  readonly routes: ReadonlyMap<string, HttpRoute>;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: LetheApiProps) {
    super(scope, id);
    const { config } = props;
    const functions = new Map<string, LetheFunction>();
    const httpRoutes = new Map<string, HttpRoute>();

    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: scopedName(scope, 'api', { maxLength: 128 }),
      description: 'Lethe: deactivate, restore and purge accounts as the privacy policy promises',
      // The stage below carries throttling and access logs, which the implicit one cannot.
      createDefaultStage: false,
      ...(props.corsAllowOrigins !== undefined &&
        props.corsAllowOrigins.length > 0 && {
          corsPreflight: {
            allowOrigins: [...props.corsAllowOrigins],
            allowMethods: [
              CorsHttpMethod.GET,
              CorsHttpMethod.POST,
              CorsHttpMethod.PUT,
              CorsHttpMethod.DELETE,
            ],
            allowHeaders: ['authorization', 'content-type'],
            maxAge: Duration.hours(1),
          },
        }),
    });

    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention: retentionOf(config.logRetentionDays) });
    const throttle = props.throttle ?? DEFAULT_THROTTLE;
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      autoDeploy: true,
      throttle: { rateLimit: throttle.rateLimit, burstLimit: throttle.burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    this.url = this.stage.url;

    const jwtAuthorizer = new HttpJwtAuthorizer('JwtAuthorizer', props.jwt.issuer, {
      jwtAudience: [...props.jwt.audience],
    });

    const functionFor = (routeId: string, description: string, access: readonly Access[]): LetheFunction => {
      const fn = new LetheFunction(this, `${pascal(routeId)}Function`, {
        entry: entryOf(routeId),
        description,
        logRetentionDays: config.logRetentionDays,
      });
      for (const a of access) {
        if (!(a in KNOWN_ACCESS)) throw new Error(`route ${routeId}: unknown access "${a}"`);
      }
      const accounts = accountsAccessOf(access);
      if (accounts !== undefined) {
        fn.useAccountsTable(props.accountsTable, accounts)
          .useAuditTable(props.auditTable, AUDIT_ACCESS[accounts], config.auditRetention)
          .useSubjectKey(props.subjectKey)
          .useGracePeriod(config.gracePeriod);
      }
      if (accounts !== undefined || access.some((a) => a.startsWith('exports:'))) {
        // Changes write their lifecycle event in their own transaction; readers only name the table.
        fn.useOutbox(props.outboxTable, {
          write: access.includes('accounts:write') || access.includes('exports:request'),
        });
      }
      if (access.includes('profiles:read')) fn.useProfileStore(config.dataMap);
      if (access.includes('notices:write')) fn.useNoticeRecords(props.accountsTable);
      if (access.includes('exports:request')) {
        fn.useExportsTable(props.exportsTable, 'request').useQueue(props.exportQueue, exportQueue);
      }
      if (access.includes('confirmations:write')) {
        // Settles the owed confirmation record (UpdateItem, GetItem); the subject key derives the secret.
        fn.useAccountsTable(props.accountsTable, 'write')
          .useSubjectKey(props.subjectKey)
          .useAuditTable(props.auditTable, 'none', config.auditRetention);
      }
      if (access.includes('exports:read')) {
        fn.useExportsTable(props.exportsTable, 'read').useExportsBucket(props.exportsBucket, 'link');
      }
      functions.set(routeId, fn);
      return fn;
    };

    for (const route of props.routes ?? routes) {
      const fn = functionFor(route.id, `Lethe ${route.method} ${route.path}`, route.access);
      const authorizer: IHttpRouteAuthorizer =
        route.auth === 'jwt' ? jwtAuthorizer : new HttpNoneAuthorizer();
      const httpRoute = new HttpRoute(this, `${pascal(route.id)}Route`, {
        httpApi: this.httpApi,
        routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
        integration: new HttpLambdaIntegration(`${pascal(route.id)}Integration`, fn),
        authorizer,
      });
      httpRoutes.set(route.id, httpRoute);
      if (route.auth === 'none') {
        acknowledgeNag(httpRoute, 'AwsSolutions-APIG4', openRouteReason(route));
      }
    }

    // Unknown paths and methods reach Lethe, not API Gateway's plain-text 404.
    const notFound = functionFor(fallbackRoute.id, 'Lethe catch-all: JSON 404/405 for unknown routes', []);
    const defaultRoute = new HttpRoute(this, 'DefaultRoute', {
      httpApi: this.httpApi,
      routeKey: HttpRouteKey.DEFAULT,
      integration: new HttpLambdaIntegration('NotFoundIntegration', notFound),
      authorizer: new HttpNoneAuthorizer(),
    });
    acknowledgeNag(
      defaultRoute,
      'AwsSolutions-APIG4',
      'The $default route answers unknown paths and methods with a JSON 404/405; its function has no grants and reads nothing, and requiring a token would turn every typo into a 401.',
    );

    httpRoutes.set(fallbackRoute.id, defaultRoute);
    this.functions = functions;
    this.routes = httpRoutes;
  }
}
