/**
 * The audit trail: every transition, with its actor and time, keyed by the
 * subject (an HMAC of the id). It carries no id, address or free text (I6).
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
  /** For target-done: the data-map store's name and how many items went. */
  readonly target?: string;
  readonly count?: number;
  /** For retention-run: items past their deadline kept by a legal hold, and entries read. */
  readonly held?: number;
  readonly read?: number;
}

/** The audit subject a retention category's runs are recorded under: no account, so no HMAC. */
export const retentionSubject = (category: string) => `retention#${category}`;
