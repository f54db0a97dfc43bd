/**
 * The export use cases behind the HTTP API: ask for an export (one pending at
 * a time, a few a day) and read one back, with a download link once READY.
 */
import type { AccountRepository } from '../accounts/ports.ts';
import type { ProfileReader } from '../core/data-map.ts';
import { conflict, notFound, tooManyRequests } from '../core/errors.ts';
import {
  type ExportSettings,
  type ExportView,
  isStale,
  newExportId,
  RATE_WINDOW_MS,
  recordTtlOf,
  retryAfterSeconds,
  toExportView,
} from '../core/export.ts';
import { isFinal } from '../core/lifecycle.ts';
import { type Metrics, noMetrics } from '../core/metrics.ts';
import type { DownloadLinks, ExportJobs, ExportRecords } from './ports.ts';

export interface RequestExportDeps {
  readonly accounts: AccountRepository;
  readonly profiles: ProfileReader;
  readonly exports: ExportRecords;
  readonly jobs: ExportJobs;
  readonly settings: ExportSettings;
  readonly now: () => Date;
  readonly metrics?: Metrics;
}

export interface ReadExportDeps {
  readonly exports: ExportRecords;
  readonly links: DownloadLinks;
  readonly settings: ExportSettings;
  readonly now: () => Date;
}

export const requestExport = async (
  deps: RequestExportDeps,
  accountId: string,
): Promise<{ view: ExportView; created: boolean }> => {
  // 1. The account must be known and not on its way out (its data is being deleted).
  const record = await deps.accounts.get(accountId);
  if (!record && !(await deps.profiles.get(accountId))) throw notFound();
  if (record && isFinal(record.status)) throw conflict(`Cannot export: the account is ${record.status}.`);
  // 2. A pending export is the answer to asking again; it does not count against the limit.
  //    One whose worker never reported back is failed, so it cannot block exports for good.
  const now = deps.now();
  const pending = await deps.exports.pending(accountId);
  if (pending && !isStale(pending, now)) return { view: toExportView(pending), created: false };
  if (pending) await deps.exports.markFailed(accountId, pending.exportId, now.toISOString(), 'export_failed');
  // 3. At most `perDay` exports in any 24 hours.
  const recent = await deps.exports.createdSince(accountId, new Date(now.getTime() - RATE_WINDOW_MS));
  if (recent.length >= deps.settings.perDay) {
    throw tooManyRequests(
      `At most ${deps.settings.perDay} exports a day; try again later.`,
      retryAfterSeconds(recent, now),
    );
  }
  // 4. One conditional write decides which of two racing requests creates the export.
  const { record: created, created: isNew } = await deps.exports.createPending(
    { accountId, exportId: newExportId(now), status: 'PENDING', createdAt: now.toISOString() },
    recordTtlOf(now),
  );
  if (!isNew) return { view: toExportView(created), created: false };
  // 5. Queue the job; if that fails, free the slot so the caller can simply ask again.
  try {
    await deps.jobs.send({ accountId, exportId: created.exportId });
  } catch (error) {
    await deps.exports.markFailed(accountId, created.exportId, deps.now().toISOString(), 'queue_unavailable');
    (deps.metrics ?? noMetrics).record('exportsFailed');
    throw error;
  }
  (deps.metrics ?? noMetrics).record('exportsRequested');
  return { view: toExportView(created), created: true };
};

export const readExport = async (
  deps: ReadExportDeps,
  accountId: string,
  exportId: string,
): Promise<ExportView> => {
  const record = await deps.exports.get(accountId, exportId);
  if (!record) throw notFound('No such export.');
  if (record.status !== 'READY' || !record.objectKey) return toExportView(record);
  const seconds = Math.floor(deps.settings.linkExpiryMs / 1000);
  const url = await deps.links.link(record.objectKey, seconds);
  const expiresAt = new Date(deps.now().getTime() + seconds * 1000).toISOString();
  return toExportView(record, { url, expiresAt });
};
