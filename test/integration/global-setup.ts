/**
 * Starts the whole local system once per test run: the stand-ins, the
 * resources and the API server in front of the real handlers. Tests reach it
 * over HTTP and the real AWS SDK. Handler log lines are diverted to a file so
 * the logs test (and the teardown) can check that none carries personal data.
 *
 * The enforcement loop does not run on its own here: a sweep on a timer would
 * claim accounts under a test's feet. Enforcement tests run the real sweeper
 * and purge worker in their own worker, given the environment the local app
 * gives its handlers (see enforcement-support.ts), and sweep and drain when
 * they choose.
 */

import { appendFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalApp } from '../../local/app.ts';
import { freePort } from '../../local/free-port.ts';
import { jwtKeyFile } from '../../local/jwt.ts';
import { readSettings } from '../../local/settings.ts';
import { leakingLines } from '../support/log-capture.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    apiUrl: string;
    dynamodbEndpoint: string;
    s3Endpoint: string;
    keyFile: string;
    logFile: string;
    /** What the local app gives its handlers: endpoints, table names, queue URLs, the subject key. */
    handlerEnvironment: Record<string, string>;
  }
}

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), 'lethe-it-'));
  const logFile = join(dir, 'handler-logs.ndjson');
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    const text = String(chunk);
    if (text.startsWith('{"level"')) {
      appendFileSync(logFile, text);
      return true;
    }
    return (write as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;

  const settings = readSettings({
    PORT: '0',
    LETHE_DYNAMODB_PORT: String(await freePort()),
    LETHE_SES_PORT: String(await freePort()),
    LETHE_SQS_S3_PORT: String(await freePort()),
    LETHE_COGNITO_PORT: String(await freePort()),
    LETHE_SEED_ACCOUNTS: '3',
    // The race tests send bursts well beyond the stage's 100; the throttle test starts its own server.
    LETHE_THROTTLE_RATE: '100000',
    LETHE_THROTTLE_BURST: '100000',
  });
  // Every log level, so the I7 check sees every line a handler can write.
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  // Events too are left to the test that watches them (events.test.ts runs the publisher in its worker).
  const app = await startLocalApp(settings, { keyDir: dir, enforcement: false, events: false });
  const keyFile = jwtKeyFile(dir);
  project.provide('apiUrl', app.apiUrl);
  project.provide('dynamodbEndpoint', app.endpoints.dynamodb);
  project.provide('s3Endpoint', app.endpoints.s3);
  project.provide('keyFile', keyFile);
  project.provide('logFile', logFile);
  project.provide('handlerEnvironment', { ...app.environment });

  return async () => {
    await app.stop();
    process.stdout.write = write;
    const lines = (await readFile(logFile, 'utf8').catch(() => '')).split('\n').filter(Boolean);
    await rm(dir, { recursive: true, force: true });
    const leaks = leakingLines(lines);
    if (leaks.length > 0)
      throw new Error(`Handler logs carried personal data or tokens:\n${leaks.join('\n')}`);
  };
}
