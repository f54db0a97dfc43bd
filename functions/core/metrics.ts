/**
 * What Lethe counts, in one catalogue: each metric's name and unit, and the
 * few dimensions a metric may carry. Use cases record through the `Metrics`
 * port; the EMF adapter (functions/adapters/emf-metrics.ts) writes them,
 * and the dashboard and alarms (lib/) read the same names. Dimensions are
 * low-cardinality by construction: a store or processor name from the data
 * map, a notice kind, an actor kind, a retention category. Never an account
 * id (I6, I7).
 */

/** One CloudWatch namespace for everything Lethe emits. */
export const METRICS_NAMESPACE = 'Lethe';

export type MetricUnit = 'Count' | 'Milliseconds' | 'Bytes';

export const METRICS = {
  // Lifecycle (P1, P3, P4), from the API's use cases.
  accountsDeactivated: { name: 'AccountsDeactivated', unit: 'Count' },
  accountsRestored: { name: 'AccountsRestored', unit: 'Count' },
  legalHoldsPlaced: { name: 'LegalHoldsPlaced', unit: 'Count' },
  legalHoldsReleased: { name: 'LegalHoldsReleased', unit: 'Count' },
  // The sweep (P2): one SweepRuns per finished run is the heartbeat alarm's signal.
  sweepRuns: { name: 'SweepRuns', unit: 'Count' },
  dueAccountsFound: { name: 'DueAccountsFound', unit: 'Count' },
  purgesClaimed: { name: 'PurgesClaimed', unit: 'Count' },
  /** Gauge, every sweep: accounts past purgeAfter + the deletion SLA and not yet purged. */
  overdueAccounts: { name: 'OverdueAccounts', unit: 'Count' },
  /** Gauge, every sweep: processor deletions past their deadline and not confirmed (P5). */
  overdueConfirmations: { name: 'OverdueProcessorConfirmations', unit: 'Count' },
  // The purge (P2, I3).
  purgesStarted: { name: 'PurgesStarted', unit: 'Count' },
  purgesCompleted: { name: 'PurgesCompleted', unit: 'Count' },
  purgesFailed: { name: 'PurgesFailed', unit: 'Count' },
  itemsDeleted: { name: 'ItemsDeleted', unit: 'Count' },
  /** From the claim to the tombstone. */
  purgeDuration: { name: 'PurgeDuration', unit: 'Milliseconds' },
  /** From purgeAfter to the tombstone: what the deletion SLA bounds. */
  purgeLatency: { name: 'PurgeLatency', unit: 'Milliseconds' },
  deletionSlaMissed: { name: 'DeletionSlaMissed', unit: 'Count' },
  processorRequests: { name: 'ProcessorDeletionRequests', unit: 'Count' },
  processorConfirmations: { name: 'ProcessorConfirmations', unit: 'Count' },
  /** Each poll of a processor's status URL, whatever it answered. */
  processorStatusPolls: { name: 'ProcessorStatusPolls', unit: 'Count' },
  // Notices (P6).
  noticesSent: { name: 'NoticesSent', unit: 'Count' },
  noticesFailed: { name: 'NoticesFailed', unit: 'Count' },
  noticesUncertain: { name: 'NoticesUncertain', unit: 'Count' },
  noticesBounced: { name: 'NoticesBounced', unit: 'Count' },
  noticesComplained: { name: 'NoticesComplained', unit: 'Count' },
  noticesDelivered: { name: 'NoticesDelivered', unit: 'Count' },
  // Exports (P7).
  exportsRequested: { name: 'ExportsRequested', unit: 'Count' },
  exportsCompleted: { name: 'ExportsCompleted', unit: 'Count' },
  exportsFailed: { name: 'ExportsFailed', unit: 'Count' },
  exportBytes: { name: 'ExportBytes', unit: 'Bytes' },
  // Retention (P9): per category, every run.
  retentionDeleted: { name: 'RetentionDeleted', unit: 'Count' },
  retentionHeld: { name: 'RetentionHeld', unit: 'Count' },
  retentionRead: { name: 'RetentionRead', unit: 'Count' },
  /** 1 when a run ran out of time with entries left for the next. */
  retentionIncomplete: { name: 'RetentionIncomplete', unit: 'Count' },
} as const satisfies Record<string, { name: string; unit: MetricUnit }>;

export type MetricKey = keyof typeof METRICS;

/** The only dimension names a metric may carry; their values are names from the data map or small enums. */
export interface Dimensions {
  /** A data-map store (or Lethe's own export targets). */
  readonly store?: string;
  /** A processor in the data map. */
  readonly processor?: string;
  /** A notice template kind: deactivated, reminder, purged. */
  readonly kind?: string;
  /** user, operator, link, system. */
  readonly actor?: string;
  /** A retention rule's category from the data map (P9). */
  readonly category?: string;
}

export const DIMENSION_NAMES = ['store', 'processor', 'kind', 'actor', 'category'] as const;

/** The port: use cases record, adapters write (EMF in Lambda), tests pass a fake. */
export interface Metrics {
  record(metric: MetricKey, value?: number, dimensions?: Dimensions): void;
}

/** For wiring that has nothing to count (and local tools). */
export const noMetrics: Metrics = { record: () => undefined };
