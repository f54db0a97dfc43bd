import { describe, expect, it } from 'vitest';
import { noticeKey, noticeShardOf, planNotices, templateKindOf } from '../../../functions/core/notices.ts';

describe('planNotices', () => {
  it('plans the deactivation notice now and one reminder per offset before purgeAfter', () => {
    // Arrange / Act
    const plan = planNotices('2026-11-24T10:00:00.000Z', '2026-12-24T10:00:00.000Z', ['P7D', 'P1D']);
    // Assert
    expect(plan).toEqual([
      { kind: 'deactivated', dueAt: '2026-11-24T10:00:00.000Z' },
      { kind: 'reminder-P7D', dueAt: '2026-12-17T10:00:00.000Z' },
      { kind: 'reminder-P1D', dueAt: '2026-12-23T10:00:00.000Z' },
    ]);
  });

  it('leaves out reminders that would fall at or before the deactivation', () => {
    // Arrange: a 20-second grace period with a 7-day reminder.
    // Act
    const plan = planNotices('2026-11-24T10:00:00.000Z', '2026-11-24T10:00:20.000Z', ['P7D', 'PT5S']);
    // Assert
    expect(plan.map((n) => n.kind)).toEqual(['deactivated', 'reminder-PT5S']);
  });

  it('keys a record by subject, deactivation and kind, and shards it stably', () => {
    // Arrange / Act
    const key = noticeKey('abc', '2026-11-24T10:00:00.000Z', 'reminder-P7D');
    // Assert
    expect(key).toBe('notice#abc#2026-11-24T10:00:00.000Z#reminder-P7D');
    expect(noticeShardOf(key)).toBe(noticeShardOf(key));
    expect(noticeShardOf(key)).toMatch(/^N\d{1,2}$/);
    expect(templateKindOf('reminder-P1D')).toBe('reminder');
    expect(templateKindOf('purged')).toBe('purged');
  });
});
