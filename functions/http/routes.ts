/**
 * Every HTTP route, declared once. CDK makes one Lambda and one API Gateway
 * route of each; local mode routes requests to the very same handlers; the
 * catch-all handler answers 404/405 from it.
 */
export type Access =
  | 'accounts:read'
  | 'accounts:write'
  | 'profiles:read'
  | 'notices:write'
  | 'exports:read'
  | 'exports:request'
  | 'confirmations:write';

export interface RouteDefinition {
  /** The function's name: kebab-case, also its file under functions/http/. */
  readonly id: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway path syntax: `{name}` is a path parameter. */
  readonly path: string;
  /** `jwt`: behind the JWT authorizer; `none`: open (health, the restore link's page). */
  readonly auth: 'jwt' | 'none';
  /** What the function touches; CDK grants exactly this. */
  readonly access: readonly Access[];
}

const account = '/v1/accounts/{accountId}';
const read: Access[] = ['accounts:read', 'profiles:read'];
const write: Access[] = ['accounts:read', 'accounts:write', 'profiles:read'];
/** Deactivate and restore also write the notice records of the deactivation they start or end. */
const lifecycle: Access[] = [...write, 'notices:write'];

export const routes: readonly RouteDefinition[] = [
  { id: 'health', method: 'GET', path: '/health', auth: 'none', access: [] },
  { id: 'get-account', method: 'GET', path: account, auth: 'jwt', access: read },
  { id: 'deactivate', method: 'POST', path: `${account}/deactivate`, auth: 'jwt', access: lifecycle },
  { id: 'restore', method: 'POST', path: `${account}/restore`, auth: 'jwt', access: lifecycle },
  { id: 'put-legal-hold', method: 'PUT', path: `${account}/legal-hold`, auth: 'jwt', access: write },
  // Releasing writes the notice a hold held back: the reminder now due, or the resumed purge's date.
  {
    id: 'delete-legal-hold',
    method: 'DELETE',
    path: `${account}/legal-hold`,
    auth: 'jwt',
    access: lifecycle,
  },
  // The restore link: the signed token is the credential (functions/core/restore-token.ts).
  { id: 'restore-page', method: 'GET', path: '/restore', auth: 'none', access: read },
  { id: 'restore-link', method: 'POST', path: '/restore', auth: 'none', access: lifecycle },
  {
    id: 'request-export',
    method: 'POST',
    path: `${account}/export`,
    auth: 'jwt',
    access: [...read, 'exports:request'],
  },
  {
    id: 'get-export',
    method: 'GET',
    path: `${account}/exports/{exportId}`,
    auth: 'jwt',
    access: ['exports:read'],
  },
  // A processor's deletion confirmation (P5): the HMAC signature with its own secret is the credential.
  {
    id: 'confirm-deletion',
    method: 'POST',
    path: '/v1/processors/{name}/confirmations',
    auth: 'none',
    access: ['confirmations:write'],
  },
];

/** The catch-all for unknown routes and methods: JSON 404/405, never HTML. */
export const fallbackRoute = { id: 'not-found' } as const;

/** The handler file of a route, relative to the project root. */
export const entryOf = (id: string): string => `functions/http/${id}.ts`;

const patternOf = (path: string): RegExp =>
  new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '([^/]+)')}$`);

const paramNamesOf = (path: string): string[] => [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '');

/** A malformed escape stays as it came, so validation rejects it with a 400. */
const decodeSegment = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

export type RouteMatch =
  | {
      readonly kind: 'route';
      readonly route: RouteDefinition;
      readonly pathParameters: Record<string, string>;
    }
  | { readonly kind: 'method_not_allowed'; readonly allow: string[] }
  | { readonly kind: 'not_found' };

/** Matches a request the way API Gateway would: exact path templates, one segment per parameter. */
export const matchRoute = (method: string, path: string): RouteMatch => {
  const allow: string[] = [];
  for (const route of routes) {
    const match = patternOf(route.path).exec(path);
    if (!match) continue;
    if (route.method !== method.toUpperCase()) {
      allow.push(route.method);
      continue;
    }
    const names = paramNamesOf(route.path);
    const pathParameters = Object.fromEntries(
      names.map((name, i) => [name, decodeSegment(match[i + 1] ?? '')]),
    );
    return { kind: 'route', route, pathParameters };
  }
  return allow.length > 0 ? { kind: 'method_not_allowed', allow } : { kind: 'not_found' };
};
