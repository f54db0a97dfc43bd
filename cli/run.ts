/**
 * One CLI run: parse, point at the target, run the command, print its report
 * (a table, or with --json one JSON document and nothing else on stdout),
 * and answer the exit code. Errors are one line on stderr: exit code 2 for a
 * mistake on the command line, 1 for anything else (and for a failed check).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type DataMap, validateDataMap } from '../functions/core/data-map.ts';
import type { Actor } from '../functions/core/lifecycle.ts';
import { config } from '../lethe.config.ts';
import { type Command, type GlobalOptions, operatorFromEnv, parseArgs, UsageError } from './args.ts';
import { audit, hold, receipt, release, status } from './commands/account.ts';
import { listDlq, redriveDlq } from './commands/dlq.ts';
import { listAccounts } from './commands/list.ts';
import { retentionSchedule } from './commands/retention.ts';
import { dryRun, sweepNow } from './commands/sweep.ts';
import { type VerifyInput, verify } from './commands/verify.ts';
import { CliError, describeError } from './errors.ts';
import {
  renderAudit,
  renderDlqList,
  renderDryRun,
  renderHold,
  renderList,
  renderReceipt,
  renderRedrive,
  renderRetention,
  renderStatus,
  renderSweep,
  renderVerify,
} from './format.ts';
import type { ErrorStream } from './progress.ts';
import { osOperator, Services } from './services.ts';
import { localTarget, stackTarget, type Target } from './target.ts';

/** The package's version, from its package.json beside cli/. */
const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export interface Io {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: ErrorStream;
  readonly env: NodeJS.ProcessEnv;
}

export interface RunOptions {
  /** Local mode's key directory. @default .lethe in the working directory */
  readonly keyDir?: string;
  readonly now?: () => Date;
}

export interface Report {
  /** What --json prints. */
  readonly data: unknown;
  readonly text: string;
  /** 1 when the command ran but did not do all it was asked (a redrive that left messages behind). */
  readonly exitCode?: number;
}

/** What verify checks against: lethe.config.ts (what local mode and the example app use), or --config's module. */
export const loadConfig = async (
  file: string | undefined,
): Promise<VerifyInput['config'] & { source: string }> => {
  if (file === undefined) return { ...config, source: 'lethe.config.ts' };
  let module: { config?: unknown; default?: unknown };
  try {
    module = (await import(pathToFileURL(resolve(file)).href)) as typeof module;
  } catch (error) {
    throw new CliError(`--config ${file} cannot be loaded: ${(error as Error).message.split('\n')[0]}`);
  }
  const loaded = (module.config ?? module.default) as
    | { dataMap?: DataMap; notices?: { sender?: unknown } }
    | undefined;
  if (!loaded?.dataMap || typeof loaded.notices?.sender !== 'string') {
    throw new CliError(
      `--config ${file} must export \`config\` (or a default) with a dataMap and notices.sender, as lethe.config.ts does`,
    );
  }
  try {
    validateDataMap(loaded.dataMap);
  } catch (error) {
    throw new CliError(`--config ${file}: ${(error as Error).message}`);
  }
  return { dataMap: loaded.dataMap, notices: { sender: loaded.notices.sender }, source: file };
};

export const execute = async (command: Command, services: Services, io: Io, now: Date): Promise<Report> => {
  switch (command.name) {
    case 'status': {
      const report = await status(services, command.accountId, now);
      return { data: report, text: renderStatus(report, now) };
    }
    case 'hold': {
      const report = await hold(services, { ...command, actor: services.operator }, now);
      return { data: report, text: renderHold(report, now) };
    }
    case 'release': {
      const report = await release(services, { accountId: command.accountId, actor: services.operator }, now);
      return { data: report, text: renderHold(report, now) };
    }
    case 'receipt': {
      const report = await receipt(services, command.accountId, now);
      return { data: report, text: renderReceipt(report, now) };
    }
    case 'audit': {
      const report = await audit(services, command.accountId);
      return { data: report, text: renderAudit(report) };
    }
    case 'sweep': {
      if (command.dryRun) {
        const report = await dryRun(services, now, io.stderr);
        return { data: report, text: renderDryRun(report, now) };
      }
      const report = await sweepNow(services, now, io.env);
      return { data: report, text: renderSweep(report) };
    }
    case 'list': {
      const report = await listAccounts(
        services,
        command.filter,
        { limit: command.limit, ...(command.cursor !== undefined && { cursor: command.cursor }) },
        now,
        io.env.LETHE_DELETION_SLA || config.deletionSla?.afterPurgeAfter,
      );
      return { data: report, text: renderList(report, now) };
    }
    case 'dlq list': {
      const report = await listDlq(services, command.queue, command.max, io.stderr);
      return { data: report, text: renderDlqList(report) };
    }
    case 'dlq redrive': {
      const report = await redriveDlq(services, command.queue, command.max, io.stderr);
      return { data: report, text: renderRedrive(report), exitCode: report.failed > 0 ? 1 : 0 };
    }
    case 'retention': {
      const report = await retentionSchedule(services, now, {
        measure: command.measure,
        ...(io.env.LETHE_RETENTION_MAX_LAG && { maxLag: io.env.LETHE_RETENTION_MAX_LAG }),
      });
      return { data: report, text: renderRetention(report) };
    }
    case 'verify': {
      const { source, ...checked } = await loadConfig(command.config);
      const report = await verify(services, { config: checked, source, offline: command.offline });
      return { data: report, text: renderVerify(report), exitCode: report.passed ? 0 : 1 };
    }
  }
};

/** Who the audit trail records: --operator, else LETHE_OPERATOR, else the OS login. */
const operatorOf = (global: GlobalOptions, env: NodeJS.ProcessEnv): Actor => {
  const named = global.operator ?? operatorFromEnv(env);
  return named === undefined ? osOperator() : { kind: 'operator', id: named };
};

const targetFor = (global: GlobalOptions, io: Io, options: RunOptions): Target =>
  global.stack === undefined ? localTarget(io.env, options.keyDir) : stackTarget(global.stack, global.region);

export const run = async (argv: readonly string[], io: Io, options: RunOptions = {}): Promise<number> => {
  let target: Target | undefined;
  let services: Services | undefined;
  try {
    if (argv.length === 1 && argv[0] === '--version') {
      io.stdout.write(`lethe ${VERSION}\n`);
      return 0;
    }
    const invocation = parseArgs(argv);
    if (invocation.kind === 'help') {
      io.stdout.write(`${invocation.text}\n`);
      return 0;
    }
    target = targetFor(invocation.global, io, options);
    services = new Services(
      target,
      validateDataMap(config.dataMap),
      io.env.LETHE_AUDIT_RETENTION || config.auditRetention,
      operatorOf(invocation.global, io.env),
    );
    const report = await execute(invocation.command, services, io, (options.now ?? (() => new Date()))());
    io.stdout.write(
      invocation.global.json ? `${JSON.stringify(report.data, null, 2)}\n` : `${report.text}\n`,
    );
    return report.exitCode ?? 0;
  } catch (error) {
    io.stderr.write(`lethe: ${describeError(error, target?.endpoints)}\n`);
    if (error instanceof UsageError) return 2;
    if (io.env.LETHE_DEBUG && error instanceof Error) io.stderr.write(`${error.stack}\n`);
    return 1;
  } finally {
    if (services) services.close();
    else target?.close();
  }
};
