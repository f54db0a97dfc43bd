/**
 * `npm run bench:events`: the lifecycle events walk, end to end on the local
 * stack, with a small webhook receiver of its own:
 *
 *   demo-0001  deactivate, restore, deactivate again, and let it purge
 *   demo-0002  a legal hold, deactivate, wait past the grace period, release: purged
 *   demo-0003  an export
 *
 * The receiver is stopped for a while mid-run and started again. At the end it
 * checks that each account got exactly the expected event types in order
 * (deduped by detail.eventId, as a consumer would), that every signature
 * verifies, that every detail validates against its schema and that none holds
 * an email address; that demo-0001's sign-in user followed (disabled, enabled,
 * deleted and counted); and prints the latency from each API call's answer to
 * the webhook's receipt of its event.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoUsers } from '../functions/adapters/cognito-users.ts';
import { cognitoStores } from '../functions/core/data-map.ts';
import { config } from '../lethe.config.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startLocalApp } from '../local/app.ts';
import { jwtKeyFile, signLocalToken } from '../local/jwt.ts';
import { readSettings } from '../local/settings.ts';
import { detailErrors, EMAIL } from '../test/support/event-schemas.ts';

const SECRET = 'bench-webhook-secret';
const GRACE = 'PT8S';

interface Received {
  readonly type: string;
  readonly account: string;
  readonly eventId: string;
  readonly at: number;
  readonly problems: string[];
}

const received: Received[] = [];
let downCount = 0;

const verify = (header: string | undefined, body: string): boolean => {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', SECRET).update(`${match[1]}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2] ?? '', 'hex'));
};

const receiver = (port: number) =>
  new Promise<Server>((resolve) => {
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        const envelope = JSON.parse(body) as { 'detail-type': string; detail: Record<string, unknown> };
        const problems: string[] = [];
        if (!verify(request.headers['x-lethe-signature'] as string | undefined, body))
          problems.push('bad signature');
        const errors = detailErrors(envelope['detail-type'], envelope.detail);
        if (errors) problems.push(`schema: ${errors}`);
        if (EMAIL.test(body)) problems.push('holds an email address');
        received.push({
          type: envelope['detail-type'],
          account: String(envelope.detail.accountId ?? envelope.detail.subject),
          eventId: String(envelope.detail.eventId),
          at: Date.now(),
          problems,
        });
        response.end('ok');
      });
    });
    server.listen(port, '127.0.0.1', () => resolve(server));
  });

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const waitFor = async <T>(what: string, check: () => T | undefined | Promise<T | undefined>, ms = 60_000) => {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
};

const hookPort = await freePort();
let hook = await receiver(hookPort);
const dir = await mkdtemp(join(tmpdir(), 'lethe-events-'));
const settings = readSettings({
  PORT: '0',
  LETHE_DYNAMODB_PORT: String(await freePort()),
  LETHE_SES_PORT: String(await freePort()),
  LETHE_SQS_S3_PORT: String(await freePort()),
  LETHE_COGNITO_PORT: String(await freePort()),
  LETHE_SEED_ACCOUNTS: '4',
  LETHE_GRACE_PERIOD: GRACE,
  LETHE_WEBHOOK_URL: `http://127.0.0.1:${hookPort}/lethe-events`,
  LETHE_WEBHOOK_SECRET: SECRET,
});
console.log('starting the local stack…');
const app = await startLocalApp(settings, {
  keyDir: dir,
  enforcement: { sweepIntervalMs: 1_000 },
  onEvent: (line) => console.log(`  ${line}`),
});
const users = new CognitoUsers(
  new CognitoIdentityProviderClient({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: app.endpoints.cognito,
  }),
  app.endpoints.cognito,
  () => undefined,
);
const pool = cognitoStores(config.dataMap)[0];
const sent: { type: string; account: string; at: number }[] = [];

const api = async (
  account: string,
  method: string,
  path: string,
  expect: string | undefined,
  admin = false,
) => {
  const token = await signLocalToken(admin ? 'ops-bench' : account, { admin }, jwtKeyFile(dir));
  // From just before the request: the change commits while it runs, and its event may arrive before the answer.
  const at = Date.now();
  const response = await fetch(`${app.apiUrl}/v1/accounts/${account}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(method === 'PUT' && { body: JSON.stringify({ reason: 'Case 2026-114' }) }),
  });
  const body = (await response.json()) as Record<string, unknown>;
  if (response.status >= 300)
    throw new Error(`${method} ${path}: HTTP ${response.status} ${JSON.stringify(body)}`);
  if (expect) sent.push({ type: expect, account, at });
  return body;
};
const arrived = (account: string, type: string) => () =>
  received.find((r) => r.account === account && r.type === type);
const status = async (account: string) => {
  const token = await signLocalToken(account, {}, jwtKeyFile(dir));
  const response = await fetch(`${app.apiUrl}/v1/accounts/${account}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return ((await response.json()) as { status: string }).status;
};

try {
  const [a, b, c] = ['demo-0001', 'demo-0002', 'demo-0003'] as const;
  if (!pool) throw new Error('the demo data map names no user pool');
  // 1. demo-0001: deactivate, and sign-in follows within seconds.
  const deactivatedAt = Date.now();
  await api(a, 'POST', '/deactivate', 'AccountDeactivated');
  await waitFor('demo-0001 disabled', async () => (await users.enabled(pool, a)) === false);
  const disabledMs = Date.now() - deactivatedAt;
  await waitFor('AccountDeactivated', arrived(a, 'AccountDeactivated'));
  // 2. The receiver goes away for a while; the walk goes on.
  await new Promise<void>((resolve) => {
    hook.close(() => resolve());
    hook.closeAllConnections();
  });
  downCount = received.length;
  const downAt = Date.now();
  await api(a, 'POST', '/restore', 'AccountRestored');
  await waitFor('demo-0001 enabled', async () => (await users.enabled(pool, a)) === true);
  await api(a, 'POST', '/deactivate', 'AccountDeactivated');
  await api(b, 'PUT', '/legal-hold', 'LegalHoldPlaced', true);
  await api(b, 'POST', '/deactivate', 'AccountDeactivated');
  await sleep(5_000);
  hook = await receiver(hookPort);
  const downMs = Date.now() - downAt;
  // 3. demo-0001 purged after its grace period; demo-0002 held past it, then released and purged.
  await waitFor('demo-0001 purged', async () => ((await status(a)) === 'PURGED' ? true : undefined), 90_000);
  const userGone = (await users.count(pool, a)) === 0;
  await sleep(Number(GRACE.slice(2, -1)) * 1000);
  const heldStatus = await status(b);
  await api(b, 'DELETE', '/legal-hold', 'LegalHoldReleased', true);
  await waitFor('demo-0002 purged', async () => ((await status(b)) === 'PURGED' ? true : undefined), 90_000);
  // 4. demo-0003: an export.
  await api(c, 'POST', '/export', undefined);
  await waitFor('ExportReady', arrived(c, 'ExportReady'), 90_000);
  await waitFor('AccountPurged for demo-0002', arrived(b, 'AccountPurged'), 90_000);
  // 5. demo-0004: latency, with the receiver up: five deactivations and restores, one at a time.
  const d = 'demo-0004';
  for (let i = 0; i < 5; i += 1) {
    await api(d, 'POST', '/deactivate', 'AccountDeactivated');
    await waitFor(
      'AccountDeactivated',
      () => received.filter((r) => r.account === d).length === 2 * i + 1 || undefined,
    );
    await api(d, 'POST', '/restore', 'AccountRestored');
    await waitFor(
      'AccountRestored',
      () => received.filter((r) => r.account === d).length === 2 * i + 2 || undefined,
    );
  }
  await app.events?.settled();

  // Checks: types in order per account, once each after dedupe, and every event clean.
  const expected: Record<string, string[]> = {
    [a]: [
      'AccountDeactivated',
      'AccountRestored',
      'AccountDeactivated',
      'AccountPurgeStarted',
      'AccountPurged',
    ],
    [b]: [
      'LegalHoldPlaced',
      'AccountDeactivated',
      'LegalHoldReleased',
      'AccountPurgeStarted',
      'AccountPurged',
    ],
    [c]: ['ExportReady'],
    'demo-0004': Array.from({ length: 5 }, () => ['AccountDeactivated', 'AccountRestored']).flat(),
  };
  const seen = new Set<string>();
  const unique = received.filter((r) => {
    if (seen.has(r.eventId)) return false;
    seen.add(r.eventId);
    return true;
  });
  const failures: string[] = [];
  for (const [account, types] of Object.entries(expected)) {
    const got = unique.filter((r) => r.account === account).map((r) => r.type);
    const ok = JSON.stringify(got) === JSON.stringify(types);
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${account}: ${got.join(' → ')}`);
    if (!ok) failures.push(`${account}: expected ${types.join(', ')}`);
  }
  const receipt = received.find((r) => r.account === a && r.type === 'AccountPurged');
  for (const r of received) for (const p of r.problems) failures.push(`${r.type} ${r.account}: ${p}`);
  if (!userGone) failures.push('demo-0001 is still in the user pool after its purge');
  if (heldStatus !== 'DEACTIVATED')
    failures.push(`demo-0002 was ${heldStatus} while held past its grace period`);
  const others = unique.filter((r) => !(r.account in expected));
  console.log(
    `events received: ${received.length} (${received.length - unique.length} duplicates, deduped by eventId); other accounts: ${others.length}`,
  );
  console.log(
    `receiver down for ${(downMs / 1000).toFixed(1)} s after ${downCount} events; nothing lost: ${failures.length === 0 ? 'yes' : 'see failures'}`,
  );
  console.log(
    `demo-0001 disabled in the user pool ${disabledMs} ms after the deactivation answered; deleted by the purge: ${userGone}`,
  );
  console.log(`AccountPurged arrived for demo-0001: ${receipt ? 'yes' : 'no'}`);
  // Latency: from an API answer to the webhook's receipt of its event, while the receiver was up.
  const latencies = sent
    .map((s) => {
      const r = unique.find((u) => u.account === s.account && u.type === s.type && u.at >= s.at);
      // Only events sent while the receiver was up (the others waited for it on purpose).
      return r && s.account === 'demo-0004' ? r.at - s.at : undefined;
    })
    .filter((ms): ms is number => ms !== undefined)
    .sort((x, y) => x - y);
  if (latencies.length > 0) {
    const median = latencies[Math.floor(latencies.length / 2)];
    console.log(
      `change → webhook: n=${latencies.length}, min ${latencies[0]} ms, median ${median} ms, max ${latencies.at(-1)} ms`,
    );
  }
  if (failures.length > 0) {
    console.log(`FAILED:\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  } else {
    console.log('all checks passed');
  }
} finally {
  await app.stop();
  hook.close();
  hook.closeAllConnections();
  await rm(dir, { recursive: true, force: true });
}
