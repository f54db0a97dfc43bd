/**
 * The account lifecycle as pure rules: states, due dates, who may do what and
 * what a request answers given the state it found. No I/O here; the
 * repository turns these rules into conditional writes.
 *
 *   ACTIVE ──deactivate──▶ DEACTIVATED ──claim (purgeAfter ≤ now, no hold)──▶ PURGING ──▶ PURGED
 *     ▲                        │
 *     └────────restore─────────┘
 */
import { createHash } from 'node:crypto';
import { conflict, forbidden } from './errors.ts';
import type { NoticeSuppression } from './notices.ts';

export const STATUSES = ['ACTIVE', 'DEACTIVATED', 'PURGING', 'PURGED'] as const;
export type Status = (typeof STATUSES)[number];

export type ActorKind = 'user' | 'operator' | 'system';
export interface Actor {
  readonly kind: ActorKind;
  /** The token's `sub`; for `system`, the component's name. */
  readonly id: string;
}

export interface LegalHold {
  readonly reason: string;
  readonly placedAt: string;
}

export interface NoticeSent {
  readonly kind: string;
  readonly sentAt: string;
  /** What SendEmail answered: SES's events for the message name it. */
  readonly messageId?: string;
  /** What SES reported afterwards (functions/notices/record-feedback.ts); operators see it. */
  readonly deliveredAt?: string;
  readonly bouncedAt?: string;
  readonly bounceType?: string;
  readonly complainedAt?: string;
}

/** SES's later word on a sent notice, as the account view shows it to operators. */
const FEEDBACK_FIELDS = ['deliveredAt', 'bouncedAt', 'bounceType', 'complainedAt'] as const;
const feedbackFields = (notice: NoticeSent): Partial<NoticeSent> =>
  Object.fromEntries(FEEDBACK_FIELDS.filter((f) => notice[f] !== undefined).map((f) => [f, notice[f]]));

/** What Lethe keeps about an account. Times are UTC ISO-8601. */
export interface AccountRecord {
  readonly accountId: string;
  readonly status: Status;
  readonly deactivatedAt?: string;
  readonly purgeAfter?: string;
  readonly reason?: string;
  readonly legalHold?: LegalHold;
  readonly notices?: readonly NoticeSent[];
  /** The notice kinds this deactivation planned: their records go when it ends (restore, purge). */
  readonly noticeKinds?: readonly string[];
  /** No notice goes to this address any more: it bounced for good, or its owner complained. */
  readonly noticeSuppression?: NoticeSuppression;
  readonly purgedAt?: string;
  readonly updatedAt?: string;
}

export interface AccountView {
  accountId: string;
  status: Status;
  deactivatedAt?: string;
  purgeAfter?: string;
  /** The deactivation's reason, as given: operators only. */
  reason?: string;
  legalHold?: LegalHold;
  notices?: NoticeSent[];
  /** Operators only: why notices stop going out (never the address). */
  noticeSuppression?: { reason: NoticeSuppression['reason']; at: string };
  purgedAt?: string;
}

/** An account with a profile in the host app but no lifecycle record. */
export const activeRecord = (accountId: string): AccountRecord => ({ accountId, status: 'ACTIVE' });

export const purgeAfterFor = (deactivatedAt: Date, gracePeriodMs: number): string =>
  new Date(deactivatedAt.getTime() + gracePeriodMs).toISOString();

/** I2: due only when deactivated, past `purgeAfter`, and not held. */
export const isDue = (
  record: Pick<AccountRecord, 'status' | 'purgeAfter' | 'legalHold'>,
  now: Date,
): boolean =>
  record.status === 'DEACTIVATED' &&
  record.purgeAfter !== undefined &&
  record.purgeAfter <= now.toISOString() &&
  record.legalHold === undefined;

/** States in which deactivate, restore and holds are refused (I5). */
export const isFinal = (status: Status): boolean => status === 'PURGING' || status === 'PURGED';

export const refuseIfFinal = (record: AccountRecord, action: string): void => {
  if (isFinal(record.status)) {
    throw conflict(`Cannot ${action}: the account is ${record.status}.`);
  }
};

/** The JSON an API caller sees. A purged account shows only that it was purged. */
export const toView = (record: AccountRecord, options: { operator: boolean }): AccountView => {
  if (record.status === 'PURGED') {
    return {
      accountId: record.accountId,
      status: 'PURGED',
      ...(record.purgedAt && { purgedAt: record.purgedAt }),
    };
  }
  const view: AccountView = { accountId: record.accountId, status: record.status };
  if (record.deactivatedAt) view.deactivatedAt = record.deactivatedAt;
  if (record.purgeAfter) view.purgeAfter = record.purgeAfter;
  if (options.operator && record.reason !== undefined) view.reason = record.reason;
  if (options.operator && record.legalHold) view.legalHold = record.legalHold;
  view.notices = (record.notices ?? []).map((n) => ({
    kind: n.kind,
    sentAt: n.sentAt,
    ...(options.operator && feedbackFields(n)),
  }));
  if (options.operator && record.noticeSuppression) {
    view.noticeSuppression = { reason: record.noticeSuppression.reason, at: record.noticeSuppression.at };
  }
  return view;
};

export interface Caller {
  readonly sub: string;
  readonly operator: boolean;
}

export const OPERATOR_SCOPE = 'lethe/admin';

/**
 * The scopes a claim grants: space-separated (`scope`, OAuth 2.0), a JSON
 * array (`scp`, as some IdPs issue it), or that array as API Gateway hands it
 * to the Lambda: every claim becomes a string, an array `"[a b]"`.
 */
export const scopesOf = (raw: unknown): string[] => {
  if (Array.isArray(raw)) return raw.map(String);
  if (typeof raw !== 'string') return [];
  const text = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  return text.split(/\s+/).filter((scope) => scope !== '');
};

export const callerFromClaims = (claims: Record<string, unknown>): Caller | undefined => {
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub.length === 0) return undefined;
  const scopes = [...scopesOf(claims.scope), ...scopesOf(claims.scp)];
  return { sub, operator: scopes.includes(OPERATOR_SCOPE) };
};

/** A non-operator may act only on their own account. */
export const authorize = (
  caller: Caller,
  accountId: string,
  options: { operatorOnly?: boolean } = {},
): Actor => {
  if (caller.operator) return { kind: 'operator', id: caller.sub };
  if (options.operatorOnly) throw forbidden('Only an operator may do this.');
  if (caller.sub !== accountId) throw forbidden();
  return { kind: 'user', id: caller.sub };
};

/**
 * The sweeper finds due accounts through a sparse index partitioned by shard,
 * so no one partition takes every deactivation. The shard is a stable hash of
 * the id, never random, so a retried write lands in the same place.
 */
export const DUE_SHARDS = 16;
export const dueShardOf = (accountId: string, shards = DUE_SHARDS): string => {
  const digest = createHash('sha256').update(accountId).digest();
  return `S${digest.readUInt32BE(0) % shards}`;
};
