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
}
