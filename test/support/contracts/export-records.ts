/**
 * The contract of the export records (ExportRecords): one suite, run against
 * the in-memory fake the use-case tests lean on and against the DynamoDB
 * adapter on the stand-in, so the fake keeps the adapter's conditions: one
 * pending export per account, finishing only from PENDING, nothing re-created
 * once gone.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type ExportRecord, newExportId } from '../../../functions/core/export.ts';
import type { ExportRecords } from '../../../functions/export/ports.ts';

const TTL = 4_102_444_800;

export const exportRecordsContract = (
  name: string,
  harness: () => Promise<ExportRecords> | ExportRecords,
) => {
  const account = () => `export-contract-${randomUUID()}`;
  const pending = (accountId: string, createdAt: string): ExportRecord => ({
    accountId,
    exportId: newExportId(new Date(createdAt)),
    status: 'PENDING',
    createdAt,
  });

  describe(`${name}: the export records contract`, () => {
    it('creates one pending export per account and answers it to a second request', async () => {
      // Arrange
      const records = await harness();
      const a = account();

      // Act
      const first = await records.createPending(pending(a, '2027-01-01T00:00:00.000Z'), TTL);
      const second = await records.createPending(pending(a, '2027-01-01T00:01:00.000Z'), TTL);

      // Assert
      expect(first.created).toBe(true);
      expect(second).toEqual({ record: first.record, created: false });
      expect(await records.pending(a)).toEqual(first.record);
      expect(await records.get(a, first.record.exportId)).toEqual(first.record);
      expect(await records.get(a, newExportId(new Date('2027-01-01T00:01:00.000Z')))).toBeUndefined();
    });

    it('finishes an export only from PENDING, and frees the pending slot', async () => {
      // Arrange
      const records = await harness();
      const a = account();
      const { record } = await records.createPending(pending(a, '2027-01-01T00:00:00.000Z'), TTL);

      // Act
      const ready = await records.markReady(
        a,
        record.exportId,
        '2027-01-01T00:02:00.000Z',
        'exports/a.zip',
        42,
      );
      const readyAgain = await records.markReady(
        a,
        record.exportId,
        '2027-01-01T00:03:00.000Z',
        'exports/b.zip',
        1,
      );
      const failedAfter = await records.markFailed(
        a,
        record.exportId,
        '2027-01-01T00:03:00.000Z',
        'export_failed',
      );

      // Assert
      expect([ready, readyAgain, failedAfter]).toEqual([true, false, false]);
      expect(await records.pending(a)).toBeUndefined();
      expect(await records.get(a, record.exportId)).toEqual({
        ...record,
        status: 'READY',
        completedAt: '2027-01-01T00:02:00.000Z',
        objectKey: 'exports/a.zip',
        bytes: 42,
      });
      const next = await records.createPending(pending(a, '2027-01-01T00:04:00.000Z'), TTL);
      expect(next.created).toBe(true);
    });

    it('marks a pending export failed, with its failure code', async () => {
      const records = await harness();
      const a = account();
      const { record } = await records.createPending(pending(a, '2027-01-01T00:00:00.000Z'), TTL);

      expect(await records.markFailed(a, record.exportId, '2027-01-01T00:01:00.000Z', 'export_failed')).toBe(
        true,
      );

      expect(await records.get(a, record.exportId)).toEqual({
        ...record,
        status: 'FAILED',
        completedAt: '2027-01-01T00:01:00.000Z',
        failure: 'export_failed',
      });
      expect(await records.pending(a)).toBeUndefined();
    });

    it('never re-creates an export that is gone (a purge deleted it)', async () => {
      const records = await harness();
      const a = account();
      const gone = newExportId(new Date('2027-01-01T00:00:00.000Z'));

      expect(await records.markReady(a, gone, '2027-01-01T00:01:00.000Z', 'k', 1)).toBe(false);
      expect(await records.markFailed(a, gone, '2027-01-01T00:01:00.000Z', 'export_failed')).toBe(false);
      expect(await records.get(a, gone)).toBeUndefined();
    });

    it('lists when each export since a time was created, oldest first', async () => {
      // Arrange
      const records = await harness();
      const a = account();
      const times = ['2027-01-01T00:00:00.000Z', '2027-01-01T01:00:00.000Z', '2027-01-01T02:00:00.000Z'];
      for (const [i, at] of times.entries()) {
        const { record } = await records.createPending(pending(a, at), TTL);
        await records.markReady(a, record.exportId, at, `k${i}`, 1);
      }

      // Act
      const since = await records.createdSince(a, new Date('2027-01-01T00:30:00.000Z'));

      // Assert
      expect(since).toEqual(times.slice(1));
      expect(await records.createdSince(account(), new Date(times[0] ?? ''))).toEqual([]);
    });
  });
};
