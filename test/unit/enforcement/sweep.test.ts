import { beforeEach, describe, expect, it } from 'vitest';
import { sweep } from '../../../functions/enforcement/sweep.ts';
import { FakeAccountsState, FakeQueue } from '../../support/fake-enforcement.ts';

const NOW = new Date('2027-01-01T00:00:00.000Z');
const past = '2026-12-01T00:00:00.000Z';
const future = '2027-02-01T00:00:00.000Z';
const options = { reserveMs: 1000, leaseMs: 900_000, pageSize: 3 };

describe('sweep', () => {
  let state: FakeAccountsState;
  let queue: FakeQueue;
  let remaining: number;
  const deps = () => ({ due: state, claims: state, queue, now: () => NOW, remainingMs: () => remaining });

  beforeEach(() => {
    state = new FakeAccountsState();
    queue = new FakeQueue();
    remaining = 60_000;
  });

  it('claims and enqueues exactly the due, unheld, deactivated accounts (I2)', async () => {
    // Arrange
    for (let i = 0; i < 20; i += 1)
      state.records.set(`due-${i}`, { accountId: `due-${i}`, status: 'DEACTIVATED', purgeAfter: past });
    state.records.set('early', { accountId: 'early', status: 'DEACTIVATED', purgeAfter: future });
    state.records.set('held', {
      accountId: 'held',
      status: 'DEACTIVATED',
      purgeAfter: past,
      legalHold: true,
    });
    state.records.set('active', { accountId: 'active', status: 'ACTIVE' });

    // Act
    const result = await sweep(deps(), options);

    // Assert
    expect(result).toEqual({ read: 20, claimed: 20, complete: true });
    expect(queue.sent.map((j) => j.accountId).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `due-${i}`).sort(),
    );
    expect(state.records.get('early')?.status).toBe('DEACTIVATED');
    expect(state.records.get('held')?.status).toBe('DEACTIVATED');
  });

  it('does not enqueue an account a restore won the race for (I1)', async () => {
    state.records.set('a', { accountId: 'a', status: 'DEACTIVATED', purgeAfter: past });
    const restoreFirst = { ...state, claim: async () => false } as unknown as FakeAccountsState;
    const result = await sweep({ ...deps(), claims: restoreFirst }, options);
    expect(result.claimed).toBe(0);
    expect(queue.sent).toEqual([]);
  });

  it('stops when the time budget runs low and leaves the rest for the next run', async () => {
    for (let i = 0; i < 200; i += 1)
      state.records.set(`d-${i}`, { accountId: `d-${i}`, status: 'DEACTIVATED', purgeAfter: past });
    let pages = 0;
    const slow = { ...deps(), remainingMs: () => (pages++ < 5 ? 60_000 : 10) };
    const first = await sweep(slow, options);
    expect(first.complete).toBe(false);
    expect(first.claimed).toBeGreaterThan(0);
    expect(first.claimed).toBeLessThan(200);
    const second = await sweep(deps(), options);
    expect(second.complete).toBe(true);
    expect(first.claimed + second.claimed).toBe(200);
  });

  it('re-enqueues a purge whose lease ran out after a failed send (nothing lost)', async () => {
    state.records.set('a', { accountId: 'a', status: 'DEACTIVATED', purgeAfter: past });
    queue.failNext = true;
    await expect(sweep(deps(), options)).rejects.toThrow('SQS is down');
    expect(state.records.get('a')?.status).toBe('PURGING');
    // Before the lease lapses: not reclaimed. After: claimed again and enqueued.
    expect((await sweep(deps(), options)).claimed).toBe(0);
    const later = new Date(NOW.getTime() + options.leaseMs + 1);
    const result = await sweep({ ...deps(), now: () => later }, options);
    expect(result.claimed).toBe(1);
    expect(queue.sent).toEqual([{ accountId: 'a' }]);
  });
});
