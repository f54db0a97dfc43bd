/**
 * Lifecycle events end to end: the real handlers write them in their
 * transactions, this worker runs the real publisher on DynamoDB Local's
 * stream (as `npm start` does), the EventBridge stand-in delivers them to a
 * webhook receiver here, and the sign-in follower to the Cognito stand-in.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DETAIL_TYPES } from '../../functions/core/events.ts';
import { startPurge } from '../../functions/core/purge.ts';
import { outboxTable } from '../../functions/core/resources.ts';
import { config } from '../../lethe.config.ts';
import { startLocalEvents } from '../../local/events.ts';
import { detailErrors, EMAIL } from '../support/event-schemas.ts';
import {
  cognitoUsers,
  deactivatePastDue,
  deps,
  enforcement,
  eventually,
  fileQueue,
  receiptCounts,
  receiptOf,
  scanAll,
  seedAccount,
  sendJobs,
} from './enforcement-support.ts';
import { call, doc, newAccount, tokenFor } from './support.ts';

const SECRET = 'events-test-secret';

interface Delivery {
  readonly type: string;
  readonly account: string | undefined;
  readonly eventId: string;
  readonly signed: boolean;
  readonly body: string;
  readonly detail: Record<string, unknown>;
}

const deliveries: Delivery[] = [];
/** Answer 503 to this many more requests (a receiver that is down). */
let refuse = 0;

const verify = (header: string | undefined, body: string) => {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', SECRET).update(`${match[1]}.${body}`).digest();
  return (
    Math.abs(Date.now() / 1000 - Number(match[1])) < 300 &&
    timingSafeEqual(expected, Buffer.from(match[2] ?? '', 'hex'))
  );
};

const receiver: Server = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => {
    body += chunk;
  });
  request.on('end', () => {
    if (refuse > 0) {
      refuse -= 1;
      response.writeHead(503).end();
      return;
    }
    const envelope = JSON.parse(body) as { 'detail-type': string; detail: Record<string, unknown> };
    deliveries.push({
      type: envelope['detail-type'],
      account: typeof envelope.detail.accountId === 'string' ? envelope.detail.accountId : undefined,
      eventId: String(envelope.detail.eventId),
      signed: verify(request.headers['x-lethe-signature'] as string | undefined, body),
      body,
      detail: envelope.detail,
    });
    response.end('ok');
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));

const events = await startLocalEvents({
  ddb: doc as never,
  endpoints: { dynamodb: process.env.AWS_ENDPOINT_URL_DYNAMODB ?? '' },
  webhook: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, secret: SECRET },
  retryBaseMs: 50,
  retryMaxMs: 500,
});
// The publisher reads the bus's endpoint at its first import, in start().
process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = events.bus.endpoint;

const { accountDeps } = await import('../../functions/http/deps.ts');

const typesOf = (account: string) =>
  [...new Map(deliveries.filter((d) => d.account === account).map((d) => [d.eventId, d])).values()].map(
    (d) => d.type,
  );
const arrived = (account: string, count: number) =>
  eventually(
    async () => (typesOf(account).length >= count ? typesOf(account) : undefined),
    30_000,
    `${count} events for ${account}`,
  );

const api = async (account: string, method: string, path: string, admin = false) => {
  const response = await call(`/v1/accounts/${account}${path}`, {
    method,
    token: await tokenFor(admin ? 'ops-events' : account, { admin }),
    ...(method === 'PUT' && { body: JSON.stringify({ reason: 'Case 2026-114' }) }),
  });
  expect(response.status, `${method} ${path}`).toBeLessThan(300);
  return response;
};

/** Claims a deactivated, past-due account and runs its purge, as a sweep and the worker would. */
const purge = async (accountId: string) => {
  const now = new Date().toISOString();
  expect(
    await deps.purgeState.claim(
      accountId,
      now,
      new Date(Date.now() + 900_000).toISOString(),
      startPurge(now),
    ),
  ).toBe(true);
  await sendJobs(fileQueue, [JSON.stringify({ accountId })]);
  await enforcement.drainPurgeQueue();
};

beforeAll(async () => {
  await events.start();
});

afterAll(async () => {
  await events.stop();
  receiver.close();
  receiver.closeAllConnections();
});

describe('lifecycle events', () => {
  it('announces each transition once, in order, signed, valid against its schema and without an address', async () => {
    // Arrange
    const id = await newAccount('events');

    // Act: every transition the API makes, then a purge
    await api(id, 'PUT', '/legal-hold', true);
    await api(id, 'POST', '/deactivate');
    await api(id, 'POST', '/restore');
    await api(id, 'DELETE', '/legal-hold', true);
    await deactivatePastDue(id);
    await purge(id);
    await arrived(id, 7);

    // Assert
    expect(typesOf(id)).toEqual([
      'LegalHoldPlaced',
      'AccountDeactivated',
      'AccountRestored',
      'LegalHoldReleased',
      'AccountDeactivated',
      'AccountPurgeStarted',
      'AccountPurged',
    ]);
    const mine = deliveries.filter((d) => d.account === id);
    for (const d of mine) {
      expect(d.signed, d.type).toBe(true);
      expect(detailErrors(d.type, d.detail), d.type).toBeUndefined();
      expect(d.body, d.type).not.toMatch(EMAIL);
    }
    const purged = mine.find((d) => d.type === 'AccountPurged')?.detail as { targets: { name: string }[] };
    expect(purged.targets.map((t) => t.name)).toEqual(
      expect.arrayContaining(config.dataMap.stores.map((s) => s.name)),
    );
    expect(mine.find((d) => d.type === 'AccountDeactivated')?.detail).toMatchObject({
      actor: 'user',
      legalHold: true,
      schemaVersion: 1,
    });
  });

  it('announces an export ready, valid against its schema', async () => {
    const id = await newAccount('events-export');
    const asked = await api(id, 'POST', '/export');
    const exportId = (asked.json as { exportId: string }).exportId;
    // The export worker is not running in this worker: mark it as the worker would, through the adapter.
    const { exportRecords } = await import('../../functions/workers/export-deps.ts');
    expect(
      await exportRecords.markReady(
        id,
        exportId,
        new Date().toISOString(),
        `exports/${id}/${exportId}.zip`,
        42,
      ),
    ).toBe(true);
    expect(await exportRecords.markReady(id, exportId, new Date().toISOString(), 'x', 1)).toBe(false);

    await arrived(id, 1);
    expect(typesOf(id)).toEqual(['ExportReady']);
    const ready = deliveries.find((d) => d.account === id);
    expect(ready?.detail).toMatchObject({ exportId, bytes: 42 });
    expect(detailErrors('ExportReady', ready?.detail)).toBeUndefined();
  });

  it('emits nothing for a change whose conditional write failed: a restore that lost its race to the purge', async () => {
    // Arrange: deactivated and due; the restore still believes it is DEACTIVATED
    const id = await newAccount('events-race');
    await deactivatePastDue(id);
    const seen = await accountDeps.accounts.get(id);
    expect(seen?.status).toBe('DEACTIVATED');
    const now = new Date().toISOString();
    expect(
      await deps.purgeState.claim(id, now, new Date(Date.now() + 900_000).toISOString(), startPurge(now)),
    ).toBe(true);

    // Act: the restore's transaction is conditioned on DEACTIVATED and fails
    const restore = await accountDeps.accounts.restore(
      id,
      new Date().toISOString(),
      { kind: 'user', id },
      undefined,
      seen,
    );

    // Assert
    expect(restore.changed).toBe(false);
    expect(restore.record.status).toBe('PURGING');
    await arrived(id, 2);
    await events.settled();
    expect(typesOf(id)).toEqual(['AccountDeactivated', 'AccountPurgeStarted']);
  });

  it('emits exactly the winner of racing restores and purge claims', async () => {
    // Arrange
    const ids = await Promise.all([1, 2, 3, 4, 5, 6].map(() => newAccount('events-races')));
    for (const id of ids) await deactivatePastDue(id);

    // Act: restore and claim at once, on every account
    const outcomes = await Promise.all(
      ids.map(async (id) => {
        const now = new Date().toISOString();
        const [restored, claimed] = await Promise.all([
          accountDeps.accounts.restore(id, now, { kind: 'user', id }),
          deps.purgeState.claim(id, now, new Date(Date.now() + 900_000).toISOString(), startPurge(now)),
        ]);
        return { id, restored: restored.changed, claimed };
      }),
    );
    for (const { id } of outcomes) await arrived(id, 2);
    await events.settled();

    // Assert: one winner each (I1), and the events say which
    for (const { id, restored, claimed } of outcomes) {
      expect(restored !== claimed, id).toBe(true);
      expect(typesOf(id)).toEqual([
        'AccountDeactivated',
        restored ? 'AccountRestored' : 'AccountPurgeStarted',
      ]);
    }
  });

  it('publishes again after EventBridge refused, and delivers again after the webhook refused: nothing lost', async () => {
    // Arrange: the bus throttles the next puts, then answers 503, and the receiver is down for a while
    const id = await newAccount('events-retry');
    events.bus.failNext(2, 'throttled');

    // Act
    await api(id, 'POST', '/deactivate');
    await arrived(id, 1);
    events.bus.failNext(1, 'unavailable');
    refuse = 3;
    await api(id, 'POST', '/restore');
    await arrived(id, 2);

    // Assert: each once after dedupe, in order; the refused delivery came again with the same event id
    expect(typesOf(id)).toEqual(['AccountDeactivated', 'AccountRestored']);
    expect(refuse).toBe(0);
  });

  it('every detail type has a schema', () => {
    for (const type of DETAIL_TYPES) expect(detailErrors(type, {}), type).toBeDefined();
  });
});

describe('sign-in follows the account (the Cognito stand-in)', () => {
  const pool = config.dataMap.stores.find((s) => s.kind === 'cognito-user-pool');

  it('disables the user within seconds of a deactivation, enables them on restore, and the purge deletes them', async () => {
    if (pool?.kind !== 'cognito-user-pool') throw new Error('the demo data map names a user pool');
    // Arrange: an account with data everywhere, its user in the pool
    const { id } = await seedAccount('events-cognito');
    expect(await cognitoUsers.enabled(pool, id)).toBe(true);

    // Act + Assert: deactivated → disabled
    const started = Date.now();
    await api(id, 'POST', '/deactivate');
    await eventually(
      async () => ((await cognitoUsers.enabled(pool, id)) === false ? true : undefined),
      10_000,
      'disabled',
    );
    expect(Date.now() - started).toBeLessThan(10_000);

    // restored → enabled
    await api(id, 'POST', '/restore');
    await eventually(
      async () => ((await cognitoUsers.enabled(pool, id)) === true ? true : undefined),
      10_000,
      'enabled',
    );

    // deactivated again and purged → gone, and counted on the receipt
    await deactivatePastDue(id);
    await eventually(
      async () => ((await cognitoUsers.enabled(pool, id)) === false ? true : undefined),
      10_000,
      'disabled',
    );
    await purge(id);
    expect(await cognitoUsers.count(pool, id)).toBe(0);
    const receipt = await receiptOf(id);
    expect(receiptCounts(receipt)[pool.name]).toBe(1);

    // ... and once its events are out, the outbox holds nothing of it either (I6)
    await arrived(id, 5);
    await events.settled();
    const outbox = await scanAll(outboxTable.localName);
    expect(outbox.filter((item) => JSON.stringify(item).includes(id))).toEqual([]);
  });
});
