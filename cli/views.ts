/**
 * What each command reports, as plain data: `--json` prints it as it is and
 * format.ts renders it for people. Built from records by pure functions.
 */
import type { AuditEvent } from '../functions/core/audit.ts';
import {
  type ConfirmationRecord,
  type ConfirmationStatus,
  confirmationStatus,
} from '../functions/core/confirmations.ts';
import type { DataMap, Store } from '../functions/core/data-map.ts';
import { withExportTargets } from '../functions/core/export.ts';
import {
  type AccountRecord,
  type AccountView,
  isDue,
  type LegalHold,
  type NoticeSent,
  type Status,
} from '../functions/core/lifecycle.ts';
import { type PurgeProgress, purgeOrder, type Receipt, type ReceiptTarget } from '../functions/core/purge.ts';
import { exportsBucket, exportsTable } from '../functions/core/resources.ts';

export interface TargetProgress {
  readonly name: string;
  readonly kind: Store['kind'];
  readonly state: 'done' | 'in progress' | 'pending';
  readonly deleted: number;
  /** Processors: when deletion was requested and when it is owed by. */
  readonly requestedAt?: string;
  readonly deadline?: string;
}

export interface PurgeReport {
  readonly startedAt: string;
  readonly leaseUntil?: string;
  /** The worker went quiet: the next sweep hands the purge to a new one. */
  readonly leaseExpired: boolean;
  readonly targets: readonly TargetProgress[];
}

export interface StatusReport {
  readonly accountId: string;
  readonly status: Status;
  /** False when Lethe holds no record: an account of the host app that was never deactivated. */
  readonly recorded: boolean;
  readonly deactivatedAt?: string;
  readonly purgeAfter?: string;
  /** The deactivation's reason, as the user or app gave it (operators only, as in the API's view). */
  readonly reason?: string;
  /** DEACTIVATED only: whether the next sweep would claim it. */
  readonly due?: boolean;
  readonly legalHold?: LegalHold;
  readonly notices?: readonly NoticeSent[];
  /** Why notices stop going out (a hard bounce or a complaint), never the address. */
  readonly noticeSuppression?: { readonly reason: 'bounced' | 'complained'; readonly at: string };
  readonly purgedAt?: string;
  readonly updatedAt?: string;
  readonly purge?: PurgeReport;
}

/**
 * Each store's state in a purge: before the current one done, after it
 * pending. The purge also walks Lethe's own export records and archives
 * (functions/core/export.ts), so they are counted in; only their names and
 * order matter here, not where they live.
 */
export const purgeTargets = (map: DataMap, progress: PurgeProgress): TargetProgress[] =>
  purgeOrder(withExportTargets(map, exportsTable.localName, exportsBucket.localName)).map((store, index) => {
    const request = progress.processors[store.name];
    return {
      name: store.name,
      kind: store.kind,
      state: index < progress.target ? 'done' : index === progress.target ? 'in progress' : 'pending',
      deleted: progress.counts[store.name] ?? 0,
      ...(request && { requestedAt: request.requestedAt, deadline: request.deadline }),
    };
  });

/**
 * The status of an account from its record and, when there is one, the raw
 * item (which alone carries a purge's progress and lease).
 */
export const statusReport = (
  record: AccountRecord,
  item: Record<string, unknown> | undefined,
  map: DataMap,
  now: Date,
): StatusReport => {
  if (record.status === 'PURGED') {
    return {
      accountId: record.accountId,
      status: 'PURGED',
      recorded: true,
      ...(record.purgedAt && { purgedAt: record.purgedAt }),
    };
  }
  const progress = item?.progress as PurgeProgress | undefined;
  const leaseUntil = typeof item?.leaseUntil === 'string' ? item.leaseUntil : undefined;
  return {
    accountId: record.accountId,
    status: record.status,
    recorded: item !== undefined,
    ...(record.deactivatedAt && { deactivatedAt: record.deactivatedAt }),
    ...(record.purgeAfter && { purgeAfter: record.purgeAfter }),
    ...(record.reason !== undefined && { reason: record.reason }),
    ...(record.status === 'DEACTIVATED' && { due: isDue(record, now) }),
    ...(record.legalHold && { legalHold: record.legalHold }),
    notices: record.notices ?? [],
    ...(record.noticeSuppression && {
      noticeSuppression: { reason: record.noticeSuppression.reason, at: record.noticeSuppression.at },
    }),
    ...(record.updatedAt && { updatedAt: record.updatedAt }),
    ...(record.status === 'PURGING' &&
      progress && {
        purge: {
          startedAt: progress.startedAt,
          ...(leaseUntil && { leaseUntil }),
          leaseExpired: leaseUntil !== undefined && leaseUntil < now.toISOString(),
          targets: purgeTargets(map, progress),
        },
      }),
  };
};

export interface HoldReport {
  readonly action: 'hold' | 'release';
  readonly changed: boolean;
  readonly account: AccountView;
  /** After a release: whether the next sweep would claim the account. */
  readonly due?: boolean;
}

export interface AuditReport {
  readonly accountId: string;
  /** The HMAC of the id the trail is keyed by. */
  readonly subject: string;
  readonly events: readonly Omit<AuditEvent, 'subject'>[];
}

export const auditReport = (
  accountId: string,
  subject: string,
  events: readonly AuditEvent[],
): AuditReport => ({
  accountId,
  subject,
  events: [...events]
    .sort((a, b) => a.at.localeCompare(b.at))
    .map((e) => ({
      at: e.at,
      kind: e.kind,
      actor: e.actor,
      ...(e.actorId !== undefined && { actorId: e.actorId }),
      ...(e.reason !== undefined && { reason: e.reason }),
      ...(e.target !== undefined && { target: e.target }),
      ...(e.count !== undefined && { count: e.count }),
    })),
});

/** A receipt line of a processor (P5): asked when, owed by when, and whether it has confirmed. */
export interface ReceiptTargetReport extends ReceiptTarget {
  readonly confirmation?: ConfirmationStatus;
  readonly confirmedAt?: string;
}

export interface ReceiptReport {
  readonly accountId: string;
  readonly receipt: Omit<Receipt, 'targets'> & { readonly targets: readonly ReceiptTargetReport[] };
  readonly totalDeleted: number;
}

/**
 * The receipt with its fields in reading order (DynamoDB returns them in any),
 * and each processor line with its confirmation as it stands at `now`.
 */
export const receiptReport = (
  accountId: string,
  receipt: Receipt,
  confirmations: ReadonlyMap<string, ConfirmationRecord | undefined> = new Map(),
  now: Date = new Date(),
): ReceiptReport => ({
  accountId,
  receipt: {
    subject: receipt.subject,
    startedAt: receipt.startedAt,
    finishedAt: receipt.finishedAt,
    goneFromBackupsBy: receipt.goneFromBackupsBy,
    targets: receipt.targets.map((t) => {
      const record = confirmations.get(t.name);
      return {
        name: t.name,
        kind: t.kind,
        deleted: t.deleted,
        ...(t.requestedAt !== undefined && { requestedAt: t.requestedAt }),
        ...(t.deadline !== undefined && { deadline: t.deadline }),
        ...(t.kind === 'processor' &&
          confirmations.has(t.name) && { confirmation: confirmationStatus(record, t.deadline, now) }),
        ...(record?.confirmedAt !== undefined && { confirmedAt: record.confirmedAt }),
      };
    }),
    ...(receipt.sla !== undefined && { sla: receipt.sla }),
  },
  totalDeleted: receipt.targets.reduce((sum, t) => sum + t.deleted, 0),
});

/** Why a sweep would claim an account: its grace period ran out, or its purge's worker went quiet. */
export type ClaimReason = 'due' | 'stalled';

export type Classification =
  | { readonly claimable: true; readonly why: ClaimReason }
  | { readonly claimable: false; readonly state: string };

/**
 * What a sweep's conditional claim would decide for an account the due index
 * listed, given its record as read now (dynamo-purge-state.ts `claim`).
 */
export const classify = (item: Record<string, unknown> | undefined, now: Date): Classification => {
  if (!item) return { claimable: false, state: 'gone (purged or removed since the index was read)' };
  const record = item as unknown as AccountRecord;
  const at = now.toISOString();
  if (isDue(record, now)) return { claimable: true, why: 'due' };
  if (record.status === 'PURGING') {
    const lease = typeof item.leaseUntil === 'string' ? item.leaseUntil : undefined;
    if (lease !== undefined && lease < at) return { claimable: true, why: 'stalled' };
    return { claimable: false, state: `PURGING, a worker holds it${lease ? ` until ${lease}` : ''}` };
  }
  if (record.legalHold) return { claimable: false, state: `${record.status}, legal hold on` };
  if (record.status === 'DEACTIVATED') return { claimable: false, state: 'DEACTIVATED, not due yet' };
  return { claimable: false, state: record.status };
};

export interface StoreColumn {
  readonly name: string;
  readonly kind: Store['kind'];
}

export interface Candidate {
  readonly accountId: string;
  readonly purgeAfter: string;
  readonly why: ClaimReason;
  /** Items per store; null for a processor, which is asked rather than counted. */
  readonly counts: Readonly<Record<string, number | null>>;
  readonly total: number;
}

export interface DryRunReport {
  readonly dryRun: true;
  readonly at: string;
  /** Due-index entries read. */
  readonly read: number;
  readonly stores: readonly StoreColumn[];
  readonly claimable: readonly Candidate[];
  readonly notClaimable: readonly { accountId: string; purgeAfter: string; state: string }[];
  readonly totals: Readonly<Record<string, number>>;
}

export const candidate = (
  accountId: string,
  purgeAfter: string,
  why: ClaimReason,
  counts: Readonly<Record<string, number | null>>,
): Candidate => ({
  accountId,
  purgeAfter,
  why,
  counts,
  total: Object.values(counts).reduce<number>((sum, n) => sum + (n ?? 0), 0),
});

export const totalsOf = (stores: readonly StoreColumn[], candidates: readonly Candidate[]) =>
  Object.fromEntries(
    stores.map((s) => [s.name, candidates.reduce((sum, c) => sum + (c.counts[s.name] ?? 0), 0)]),
  );

export interface SweepReport {
  readonly dryRun: false;
  readonly at: string;
  readonly read: number;
  readonly claimed: number;
  readonly complete: boolean;
  /** Due notices sent to the notice queue, which the notice sender reads. */
  readonly noticesEnqueued: number;
}

export interface DlqMessage {
  readonly messageId: string;
  /** A purge or export job's account; absent for a notice, or a body that is not a job. */
  readonly accountId?: string;
  /** The masked id the account's log lines carry. */
  readonly logId?: string;
  /** An export job's export. */
  readonly exportId?: string;
  /** A notice job's kind (its key names only the subject). */
  readonly notice?: string;
  readonly sentAt?: string;
  readonly firstReceivedAt?: string;
  readonly receiveCount?: number;
  /** Why a worker sent it here at once (a body it could never read), when it did. */
  readonly reason?: string;
  /** The raw body, only when it is not a job of its queue. */
  readonly body?: string;
}

export interface DlqListReport {
  /** Whose DLQ: purge, notices or export. */
  readonly queue: string;
  readonly queueUrl: string;
  /** SQS's approximate count of visible messages. */
  readonly approximateCount: number;
  readonly messages: readonly DlqMessage[];
  /** When none could be read: the DLQ's messages another reader (a listing, a redrive) held out of sight. */
  readonly inFlight?: number;
}

export interface RedriveReport {
  readonly queue: string;
  readonly from: string;
  readonly to: string;
  readonly moved: number;
  readonly failed: number;
  /** Messages left in the DLQ because their worker cannot read them: moved back, they would return at once. */
  readonly unreadable?: number;
  /** When nothing was moved: the DLQ's messages another reader (a listing, a redrive) held out of sight. */
  readonly inFlight?: number;
}
