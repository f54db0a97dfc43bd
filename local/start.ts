/**
 * `npm start`: the whole of Lethe on this machine, no AWS account needed.
 * Ctrl-C stops everything it started, and so does SIGTERM or SIGINT to npm's pid:
 * package.json runs it as `exec node --import tsx`, so npm's child is this very
 * process. (Under `sh -c tsx …` the shell swallowed the signal npm passes on,
 * and tsx's own relay SIGKILLs a child that takes over 30 ms to acknowledge.)
 */

import { cognitoStores } from '../functions/core/data-map.ts';
import { noticeQueue, purgeQueue } from '../functions/core/resources.ts';
import { config } from '../lethe.config.ts';
import { API_SERVICE, startLocalApp } from './app.ts';
import { friendlyHandlerLogs } from './log-lines.ts';
import { type LocalSettings, readSettings, SettingsError } from './settings.ts';
import { StandInError } from './stand-ins.ts';

/** Every line of the message gets the prefix: several busy ports are one line each. */
const fail = (message: string): never => {
  console.error(
    message
      .split('\n')
      .map((line) => `lethe: ${line}`)
      .join('\n'),
  );
  process.exit(1);
};

const demoAccounts = (seeded: readonly string[], settings: LocalSettings): string => {
  if (seeded.length > 0)
    return `${seeded.length} seeded (${seeded[0]} … ${seeded.at(-1)}, each with a profile and data in every store)`;
  if (settings.dataDir) return `kept from the last run in ${settings.dataDir}`;
  return 'none (LETHE_SEED_ACCOUNTS=0)';
};

const main = async () => {
  // Handler warnings (Powertools JSON) read like the rest of this log.
  friendlyHandlerLogs(process.stdout);
  friendlyHandlerLogs(process.stderr);
  const settings = readSettings();
  const started = performance.now();
  console.log('Starting Lethe locally…');
  const app = await startLocalApp(settings, {
    onRequest: (line) => console.log(`  ${line}`),
    onEnforcement: (line) => console.log(`  ${line}`),
    onEvent: (line) => console.log(`  ${line}`),
  });
  const first = app.seeded[0] ?? 'demo-0001';
  const userPools = cognitoStores(config.dataMap)
    .map((s) => s.userPoolId)
    .join(', ');
  const purge = app.queues.find((q) => q.definition.id === purgeQueue.id);
  const notices = app.queues.find((q) => q.definition.id === noticeQueue.id);
  console.log(`
Lethe is running (${Math.round(performance.now() - started)} ms).

  API                ${app.apiUrl}
  DynamoDB Local     ${app.endpoints.dynamodb}
  SQS and S3         ${app.endpoints.sqs}
  SES                ${app.endpoints.ses}
  Sent mail          ${app.endpoints.ses}/ (the SES stand-in's web UI)
  Cognito            ${app.endpoints.cognito} (user pools: ${userPools || 'none in the data map'})
  Event bus          ${app.events?.bus.endpoint ?? 'off'} (EventBridge stand-in; each event is logged below)
  Webhook            ${settings.webhook ? `${settings.webhook.url} (signed x-lethe-signature)` : 'none (set LETHE_WEBHOOK_URL and LETHE_WEBHOOK_SECRET)'}
  Data               ${settings.dataDir ?? 'in memory (set LETHE_DATA_DIR to keep it)'}
  Grace period       ${settings.gracePeriod}
  Reminders          ${settings.noticeSchedule} before the purge
  Sweeper            every ${settings.sweepInterval} (${(app.sweepIntervalMs ?? 0) / 1000} s), retention rules at each sweep
  Retention          items go by window + ${settings.retentionMaxLag} (LETHE_RETENTION_MAX_LAG); npx lethe retention
  Throttle           ${settings.throttle.rateLimit} requests/s, bursts of ${settings.throttle.burstLimit} (as the stage in AWS)
  Purge queue        ${purge?.url}
  Purge DLQ          ${purge?.dlqUrl}
  Notice queue       ${notices?.url}
  Demo accounts      ${demoAccounts(app.seeded, settings)}

Try it:
  TOKEN=$(npm run -s token -- ${first})
  curl -s -X POST -H "Authorization: Bearer $TOKEN" ${app.apiUrl}/v1/accounts/${first}/deactivate
  curl -s -X POST -H "Authorization: Bearer $TOKEN" ${app.apiUrl}/v1/accounts/${first}/restore

Press Ctrl-C to stop.
`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    await app.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
};

main().catch((error: unknown) => {
  if (error instanceof SettingsError || error instanceof StandInError) fail(error.message);
  // Checked before anything started; taken since by someone else.
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    fail(
      `Port ${process.env.PORT ?? 3000} (${API_SERVICE}) is already in use: stop what holds it or set PORT to a free port`,
    );
  }
  fail(error instanceof Error ? (error.stack ?? error.message) : String(error));
});
