import { describe, expect, it } from 'vitest';
import {
  archiveKeyOf,
  exportIdFloor,
  isExportId,
  newExportId,
  PENDING_POINTER,
  retryAfterSeconds,
  toExportView,
} from '../../../functions/core/export.ts';

describe('export rules', () => {
  it('makes export ids that sort by creation time and pass their own check', () => {
    const early = newExportId(new Date('2026-11-27T10:00:00.000Z'));
    const late = newExportId(new Date('2026-11-27T10:00:00.001Z'));
    expect(isExportId(early)).toBe(true);
    expect(early < late).toBe(true);
    expect(late >= exportIdFloor(new Date('2026-11-27T10:00:00.001Z'))).toBe(true);
    expect(PENDING_POINTER < exportIdFloor(new Date(0))).toBe(true);
    expect(isExportId('../x')).toBe(false);
  });

  it('tells how long until the oldest export in the window leaves it', () => {
    const now = new Date('2026-11-28T09:00:00.000Z');
    expect(retryAfterSeconds(['2026-11-27T12:00:00.000Z', '2026-11-27T10:00:00.000Z'], now)).toBe(3600);
    expect(retryAfterSeconds(['2026-11-27T08:59:59.000Z'], now)).toBe(1);
  });

  it('shows a link only when READY and a reason only when FAILED', () => {
    const base = { accountId: 'u1', exportId: 'e1', createdAt: '2026-11-27T10:00:00.000Z' };
    const link = { url: 'https://x', expiresAt: '2026-11-28T10:00:00.000Z' };
    expect(toExportView({ ...base, status: 'PENDING' }, link)).toEqual({
      exportId: 'e1',
      status: 'PENDING',
      createdAt: base.createdAt,
    });
    expect(toExportView({ ...base, status: 'READY' }, link)).toMatchObject({ downloadUrl: 'https://x' });
    expect(toExportView({ ...base, status: 'FAILED' })).toMatchObject({ failure: 'export_failed' });
    expect(archiveKeyOf('u1', 'e1')).toBe('exports/u1/e1.zip');
  });
});
