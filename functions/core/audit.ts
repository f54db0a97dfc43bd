/**
 * The audit trail: every transition, with its actor and time, keyed by the
 * subject (an HMAC of the id). It carries no account id and no address (I6).
 * An operator's own id and words stay (a hold's reason is the case number the
 * hold is kept for, and must outlive the release and the purge); the user's
 * words (a deactivation's reason) are erased when the account is purged.
 */
import type { ActorKind } from './lifecycle.ts';

export const AUDIT_KINDS = [
  'deactivated',
  'restored',
  'hold-placed',
  'hold-released',
  'purge-claimed',
  'target-done',
  'purged',
  // One per retention category per run (P9): subject `retention#<category>`, counts only.
  'retention-run',
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

export interface AuditEvent {
  readonly subject: string;
  readonly at: string;
  readonly kind: AuditKind;
  readonly actor: ActorKind;
  /** The operator's id (their token's `sub`); never recorded for a user, whose id is the account's. */
  readonly actorId?: string;
  /** A hold's reason (placed and released alike), or a deactivation's until the purge. */
  readonly reason?: string;
  /** For target-done: the data-map store's name and how many items went. */
  readonly target?: string;
  readonly count?: number;
  /** For retention-run: items past their deadline kept by a legal hold, and entries read. */
  readonly held?: number;
  readonly read?: number;
}

/** The audit subject a retention category's runs are recorded under: no account, so no HMAC. */
export const retentionSubject = (category: string) => `retention#${category}`;
