/**
 * Data export (P7) as pure rules: export ids, records, the daily limit and
 * what a caller sees. No I/O here; the use cases in functions/export/ apply
 * them through ports.
 *
 *   POST export ──▶ PENDING ──worker──▶ READY (archive in the exports bucket)
 *                             └──────▶ FAILED (a reason code)
 */
import { randomBytes } from 'node:crypto';
import {
  ACCOUNT_ID_PLACEHOLDER,
  type DataMap,
  type DynamoPartitionStore,
  fillTemplate,
  type S3PrefixStore,
} from './data-map.ts';
import { exportsBucket, exportsTable } from './resources.ts';

export const EXPORT_STATUSES = ['PENDING', 'READY', 'FAILED'] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

/** Why an export failed, as a stable code a client can branch on. */
export type ExportFailure = 'export_failed' | 'account_purging' | 'queue_unavailable';

/** The archive's layout version, in its manifest: bump it when the layout changes. */
export const ARCHIVE_SCHEMA_VERSION = 1;

export interface ExportRecord {
  readonly accountId: string;
  readonly exportId: string;
  readonly status: ExportStatus;
  readonly createdAt: string;
  readonly completedAt?: string;
  /** The archive's key in the exports bucket, once READY. */
  readonly objectKey?: string;
  readonly bytes?: number;
  readonly failure?: ExportFailure;
}

export interface ExportView {
  exportId: string;
  status: ExportStatus;
  createdAt: string;
  downloadUrl?: string;
  expiresAt?: string;
  failure?: ExportFailure;
}

export interface ExportSettings {
  /** Exports an account may ask for in any 24 hours. */
  readonly perDay: number;
  /** How long a download link works. */
  readonly linkExpiryMs: number;
}

export const DEFAULT_EXPORTS_PER_DAY = 3;
export const DEFAULT_LINK_EXPIRY = 'PT24H';
export const RATE_WINDOW_MS = 24 * 3_600_000;

/**
 * Time-ordered: 9 base-36 digits of epoch milliseconds, then 12 random hex
 * digits. Ids sort by creation, so "exports since t" is one key range.
 */
const TIME_DIGITS = 9;
export const EXPORT_ID_PATTERN = /^[0-9a-z]{9}-[0-9a-f]{12}$/;

export const isExportId = (value: unknown): value is string =>
  typeof value === 'string' && EXPORT_ID_PATTERN.test(value);

export const exportIdFloor = (at: Date): string => at.getTime().toString(36).padStart(TIME_DIGITS, '0');

export const newExportId = (at: Date, random: () => string = () => randomBytes(6).toString('hex')): string =>
  `${exportIdFloor(at)}-${random()}`;

/** The `#pending` pointer item's sort key: below every export id, so id ranges never include it. */
export const PENDING_POINTER = '#pending';

export const archiveKeyOf = (accountId: string, exportId: string): string =>
  `${fillTemplate(exportsBucket.prefix, accountId)}${exportId}.zip`;

/** Seconds until the oldest export in the window leaves it, which frees one slot. */
export const retryAfterSeconds = (createdInWindow: readonly string[], now: Date): number => {
  const oldest = [...createdInWindow].sort()[0];
  if (oldest === undefined) return 0;
  return Math.max(1, Math.ceil((Date.parse(oldest) + RATE_WINDOW_MS - now.getTime()) / 1000));
};

/**
 * A PENDING export older than this was lost: every delivery of its job has
 * timed out (3 receives × the 90-minute visibility timeout) without marking
 * it. Asking again then fails it and starts a new one, so a crashed worker
 * never blocks an account's exports for good.
 */
export const STALE_PENDING_MS = 5 * 3_600_000;

export const isStale = (record: ExportRecord, now: Date): boolean =>
  record.status === 'PENDING' && now.getTime() - Date.parse(record.createdAt) > STALE_PENDING_MS;

/** Records outlive their archive by a day, so a link never points at a record already gone. */
export const recordTtlOf = (createdAt: Date): number =>
  Math.floor(createdAt.getTime() / 1000) + (exportsBucket.expirationDays + 1) * 86_400;

export const toExportView = (
  record: ExportRecord,
  link?: { readonly url: string; readonly expiresAt: string },
): ExportView => ({
  exportId: record.exportId,
  status: record.status,
  createdAt: record.createdAt,
  ...(record.status === 'READY' && link && { downloadUrl: link.url, expiresAt: link.expiresAt }),
  ...(record.status === 'FAILED' && { failure: record.failure ?? 'export_failed' }),
});

/**
 * What Lethe itself keeps about an account's exports, as data-map stores, so
 * the purge deletes them like any other store (I6): the records and the
 * archives. Names start with `lethe-` to tell them from the host app's.
 */
export const exportTargets = (
  tableName: string,
  bucketName: string,
): [DynamoPartitionStore, S3PrefixStore] => [
  {
    kind: 'dynamodb-partition',
    name: 'lethe-exports',
    table: tableName,
    key: exportsTable.key,
    keyTemplate: ACCOUNT_ID_PLACEHOLDER,
  },
  { kind: 's3-prefix', name: 'lethe-export-archives', bucket: bucketName, prefix: exportsBucket.prefix },
];

/** The data map the purge walks: the host app's stores, then Lethe's own exports. */
export const withExportTargets = (map: DataMap, tableName: string, bucketName: string): DataMap => ({
  ...map,
  stores: [...map.stores, ...exportTargets(tableName, bucketName)],
});
