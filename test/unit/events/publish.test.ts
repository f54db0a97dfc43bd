import { describe, expect, it } from 'vitest';
import type { OutboxItem } from '../../../functions/core/events.ts';
import { lifecycleEvent } from '../../../functions/core/events.ts';
import type { BusEntry, BusResult } from '../../../functions/events/ports.ts';
import { type OutboxRecord, publishRecords } from '../../../functions/events/publish.ts';

const record = (n: number): OutboxRecord => {
  const event = lifecycleEvent('AccountRestored', `2026-11-30T12:00:0${n % 10}.000Z`, 'user', {
    accountId: `a-${n}`,
  });
  const item = { pk: `a-${n}`, sk: `${event.detail.time}#${event.detail.eventId}`, ...event, expiresAt: 0 };
  return { sequenceNumber: String(100 + n), item: item as OutboxItem };
};

/** A bus that answers each put from a script, then takes everything. */
const fakes = (script: ((entries: readonly BusEntry[]) => BusResult[] | 'throw')[] = []) => {
  const put: BusEntry[][] = [];
  const deadLettered: { entry: BusEntry; code: string }[] = [];
  const deleted: string[] = [];
  return {
    put,
    deadLettered,
    deleted,
    deps: {
      bus: {
        put: async (entries: readonly BusEntry[]) => {
          put.push([...entries]);
          const answer = script.shift()?.(entries) ?? entries.map(() => ({ ok: true as const }));
          if (answer === 'throw') throw new Error('no answer');
          return answer;
        },
      },
      deadLetters: {
        send: async (refused: readonly { entry: BusEntry; code: string }[]) =>
          void deadLettered.push(...refused),
      },
      outbox: {
        delete: async (keys: readonly { pk: string }[]) => void deleted.push(...keys.map((k) => k.pk)),
      },
      source: 'lethe',
      backoff: { baseMs: 0, capMs: 0, attempts: 10, sleep: async () => undefined },
    },
  };
};

describe('publishRecords', () => {
  it('puts every event in tens, in stream order, with the source and detail, and deletes them from the outbox', async () => {
    // Arrange
    const records = Array.from({ length: 23 }, (_, i) => record(i));
    const { deps, put, deleted } = fakes();

    // Act
    const result = await publishRecords(deps, records);

    // Assert
    expect(result).toEqual({ published: 23, deadLettered: 0 });
    expect(put.map((chunk) => chunk.length)).toEqual([10, 10, 3]);
    expect(put.flat().map((e) => JSON.parse(e.detail).accountId)).toEqual(records.map((r) => r.item.pk));
    expect(put[0]?.[0]).toMatchObject({
      source: 'lethe',
      detailType: 'AccountRestored',
      time: records[0]?.item.detail.time,
    });
    expect(deleted).toEqual(records.map((r) => r.item.pk));
  });

  it('retries only the entries the bus throttled, and publishes each once', async () => {
    // Arrange: the second entry is throttled once
    const { deps, put } = fakes([
      (entries) =>
        entries.map((_, i) =>
          i === 1 ? { ok: false, code: 'ThrottlingException', retryable: true } : { ok: true },
        ),
    ]);

    // Act
    const result = await publishRecords(deps, [record(1), record(2), record(3)]);

    // Assert
    expect(result).toEqual({ published: 3, deadLettered: 0 });
    expect(put.map((chunk) => chunk.map((e) => JSON.parse(e.detail).accountId))).toEqual([
      ['a-1', 'a-2', 'a-3'],
      ['a-2'],
    ]);
  });

  it('dead-letters what the bus refuses for good, whole, and goes on', async () => {
    const { deps, deadLettered, deleted } = fakes([
      (entries) =>
        entries.map((_, i) =>
          i === 0 ? { ok: false, code: 'MalformedDetail', retryable: false } : { ok: true },
        ),
    ]);

    const result = await publishRecords(deps, [record(1), record(2)]);

    expect(result).toEqual({ published: 1, deadLettered: 1 });
    expect(deadLettered.map((d) => [JSON.parse(d.entry.detail).accountId, d.code])).toEqual([
      ['a-1', 'MalformedDetail'],
    ]);
    expect(deleted).toEqual(['a-1', 'a-2']);
  });

  it('names the first unpublished record for the stream to retry from when the bus keeps failing, and keeps it', async () => {
    // Arrange: the first chunk goes out, the second never gets an answer
    const records = Array.from({ length: 15 }, (_, i) => record(i));
    const { deps, deleted } = fakes([
      () => records.slice(0, 10).map(() => ({ ok: true })),
      ...Array(10).fill(() => 'throw'),
    ]);

    // Act
    const result = await publishRecords(deps, records);

    // Assert: retry from record 10; only what went out leaves the outbox
    expect(result).toEqual({ published: 10, deadLettered: 0, retryFrom: '110' });
    expect(deleted).toEqual(records.slice(0, 10).map((r) => r.item.pk));
  });
});
