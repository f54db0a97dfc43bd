import { describe, expect, it } from 'vitest';
import {
  afterPage,
  announcePage,
  buildReceipt,
  currentStore,
  purgeOrder,
  settlePending,
  startPurge,
} from '../../../functions/core/purge.ts';
import { subjectOf, tombstoneKey } from '../../../functions/core/subject.ts';
import { config } from '../../../lethe.config.ts';

const map = config.dataMap;

describe('purge progress', () => {
  it('purges the profile store last, so an interrupted purge still knows whom it purges', () => {
    const order = purgeOrder(map).map((s) => s.name);
    expect(order.at(-1)).toBe(map.profile.store);
    expect(new Set(order)).toEqual(new Set(map.stores.map((s) => s.name)));
  });

  it('stays on a store while it has a cursor and moves on when it has none', () => {
    const start = startPurge('2027-01-01T00:00:00.000Z');
    const first = currentStore(map, start);
    if (!first) throw new Error('demo map has stores');
    const mid = afterPage(start, first, 1000, 'cursor-1');
    expect(mid).toMatchObject({ target: 0, cursor: 'cursor-1', counts: { [first.name]: 1000 } });
    const done = afterPage(mid, first, 234);
    expect(done.target).toBe(1);
    expect(done).not.toHaveProperty('cursor');
    expect(done.counts[first.name]).toBe(1234);
    expect(start.counts).toEqual({});
  });

  it('counts announced keys once: when the next set is announced, when the page ends, or when settled', () => {
    // Arrange
    const start = startPurge('2027-01-01T00:00:00.000Z');
    const store = currentStore(map, start);
    if (!store) throw new Error('demo map has stores');

    // Act: two sets announced within one page, then the page ends
    const one = announcePage(start, store, ['k1', 'k2']);
    const two = announcePage(one, store, ['k3']);
    const page = afterPage(two, store, 0, 'cursor-1');

    // Assert
    expect(one).toMatchObject({ counts: {}, pending: { store: store.name, keys: ['k1', 'k2'] } });
    expect(two).toMatchObject({ counts: { [store.name]: 2 }, pending: { store: store.name, keys: ['k3'] } });
    expect(page).toEqual({ ...start, cursor: 'cursor-1', counts: { [store.name]: 3 } });
    // A resumed run settles what a killed one left pending, once
    expect(settlePending(two)).toEqual({ ...start, counts: { [store.name]: 3 } });
    expect(settlePending(settlePending(two))).toEqual(settlePending(two));
  });

  it('builds a receipt with counts, times and target names only', () => {
    const progress = {
      ...startPurge('2027-01-01T00:00:00.000Z'),
      target: 4,
      counts: { content: 5, uploads: 2 },
    };
    const receipt = buildReceipt(map, 'abc', progress, '2027-01-01T00:05:00.000Z', 35 * 86_400_000);
    expect(receipt).toMatchObject({
      subject: 'abc',
      startedAt: '2027-01-01T00:00:00.000Z',
      finishedAt: '2027-01-01T00:05:00.000Z',
      goneFromBackupsBy: '2027-02-05T00:05:00.000Z',
    });
    expect(receipt.targets.find((t) => t.name === 'content')?.deleted).toBe(5);
    expect(receipt.targets.find((t) => t.name === 'sessions')?.deleted).toBe(0);
  });
});

describe('subjects', () => {
  it('are stable per key and id, differ across keys, and never contain the id', () => {
    const a = subjectOf('key-1', 'demo-0001');
    expect(a).toBe(subjectOf('key-1', 'demo-0001'));
    expect(a).not.toBe(subjectOf('key-2', 'demo-0001'));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(tombstoneKey(a)).toBe(`purged#${a}`);
  });
});
