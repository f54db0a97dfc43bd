/**
 * The command line, parsed by hand into one typed command: node's parseArgs
 * cannot tell a command's options from another's, and its messages are not
 * the one-line errors an operator should see. Pure: no I/O.
 */
import { isAccountId } from '../functions/core/account-id.ts';
import { legalHoldBody } from '../functions/http/schemas.ts';
import {
  COMMANDS,
  type CommandSpec,
  DEFAULT_DLQ_LIST_MAX,
  DEFAULT_LIST_LIMIT,
  DLQ_QUEUES,
  type DlqQueue,
  GLOBAL_OPTIONS,
  type OptionSpec,
  specOf,
} from './command-specs.ts';
import { commandHelp, mainHelp, usageOf } from './help.ts';
import { UsageError } from './usage-error.ts';

export { COMMANDS, DEFAULT_DLQ_LIST_MAX, type DlqQueue } from './command-specs.ts';
export { UsageError } from './usage-error.ts';

export interface GlobalOptions {
  readonly json: boolean;
  /** A deployed app's stack-name prefix; absent: local mode. */
  readonly stack?: string;
  readonly region?: string;
  /** Who the audit trail records for hold, release and a sweep's claims (--operator). */
  readonly operator?: string;
}

export type Command =
  | { readonly name: 'status'; readonly accountId: string }
  | { readonly name: 'hold'; readonly accountId: string; readonly reason: string }
  | { readonly name: 'release'; readonly accountId: string }
  | { readonly name: 'receipt'; readonly accountId: string }
  | { readonly name: 'audit'; readonly accountId: string }
  | { readonly name: 'sweep'; readonly dryRun: boolean }
  | {
      readonly name: 'list';
      readonly filter: {
        readonly state?: 'DEACTIVATED' | 'PURGING';
        readonly held?: boolean;
        readonly due?: boolean;
        readonly overdue?: boolean;
      };
      readonly limit: number;
      readonly cursor?: string;
    }
  | { readonly name: 'dlq list'; readonly queue: DlqQueue; readonly max: number }
  | { readonly name: 'dlq redrive'; readonly queue: DlqQueue; readonly max?: number }
  | { readonly name: 'verify'; readonly offline: boolean; readonly config?: string }
  | { readonly name: 'retention'; readonly measure: boolean };

export type CommandName = Command['name'];

export type Invocation =
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'command'; readonly command: Command; readonly global: GlobalOptions };

const LIST_STATES = ['DEACTIVATED', 'PURGING'] as const;
const MAX_MESSAGES = 100_000;

/** Edit distance, for suggesting the command a typo meant. */
const distance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
};

const COMMAND_WORDS = [...new Set(COMMANDS.map((c) => c.name.split(' ')[0] ?? c.name))];

const unknownCommand = (word: string): UsageError => {
  const near = COMMAND_WORDS.filter((w) => distance(w, word) <= 2);
  const hint = near.length > 0 ? `; did you mean "${near[0]}"?` : '';
  return new UsageError(`unknown command "${word}"${hint}`, '');
};

interface Tokens {
  readonly positionals: string[];
  readonly values: Map<string, string | true>;
}

/** Every option any command knows, so a value-taking option is read with its value wherever it stands. */
const ALL_OPTIONS = new Map<string, OptionSpec>([
  ...Object.entries(GLOBAL_OPTIONS),
  ...COMMANDS.flatMap((c) => Object.entries(c.options)),
]);

const tokenize = (argv: readonly string[]): Tokens => {
  const positionals: string[] = [];
  const values = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h') {
      values.set('help', true);
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (!arg.startsWith('--')) {
      throw new UsageError(
        `unknown option "${arg}" (an account id that starts with "-" goes after "--": lethe status -- ${arg})`,
        '',
      );
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const spec = ALL_OPTIONS.get(name);
    if (!spec) throw new UsageError(`unknown option "--${name}"`, '');
    if (values.has(name)) throw new UsageError(`--${name} is given twice`, '');
    if (spec.type === 'boolean') {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`, '');
      values.set(name, true);
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        value = next;
        i += 1;
      }
    }
    if (value === undefined) throw new UsageError(`--${name} needs a value: --${name} <${spec.value}>`, '');
    values.set(name, value);
  }
  return { positionals, values };
};

/** An operator's id as the audit trail keeps it: a login, an employee id or an address, no spaces. */
const OPERATOR_ID = /^[A-Za-z0-9._:@+-]{1,128}$/;

const operatorId = (raw: string, from: string): string => {
  if (!OPERATOR_ID.test(raw)) {
    throw new UsageError(
      `${from} "${raw}" is not an operator id: 1-128 letters, digits or ._:@+- characters (e.g. jdoe)`,
      '',
    );
  }
  return raw;
};

/** LETHE_OPERATOR, checked as --operator is; absent or empty: none. */
export const operatorFromEnv = (env: NodeJS.ProcessEnv): string | undefined =>
  env.LETHE_OPERATOR ? operatorId(env.LETHE_OPERATOR, 'LETHE_OPERATOR') : undefined;

const STACK_PREFIX = /^[A-Za-z][A-Za-z0-9-]{0,118}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

const globalOptions = (values: Tokens['values']): GlobalOptions => {
  const stack = values.get('stack');
  const region = values.get('region');
  const operator = values.get('operator');
  if (typeof stack === 'string' && !STACK_PREFIX.test(stack)) {
    throw new UsageError(
      `--stack "${stack}" is not a stack-name prefix: a letter, then letters, digits or "-" (e.g. Lethe)`,
      '',
    );
  }
  if (typeof region === 'string') {
    if (stack === undefined) throw new UsageError('--region needs --stack: local mode has no region', '');
    if (!REGION.test(region))
      throw new UsageError(`--region "${region}" is not an AWS region (e.g. eu-west-1)`, '');
  }
  return {
    json: values.get('json') === true,
    ...(typeof stack === 'string' && { stack }),
    ...(typeof region === 'string' && { region }),
    ...(typeof operator === 'string' && { operator: operatorId(operator, '--operator') }),
  };
};

const accountIdFrom = (spec: CommandSpec, args: readonly string[]): string => {
  const [accountId] = args;
  if (accountId === undefined) {
    throw new UsageError(`${spec.name} needs an account id: ${usageOf(spec)}`, spec.name);
  }
  if (!isAccountId(accountId)) {
    throw new UsageError(
      `invalid account id "${accountId}": 1-128 letters, digits or ._:|@+- characters`,
      spec.name,
    );
  }
  return accountId;
};

const count = (spec: CommandSpec, raw: string | true | undefined): number | undefined => {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(String(raw)) || value < 1 || value > MAX_MESSAGES) {
    throw new UsageError(`--max must be a whole number from 1 to ${MAX_MESSAGES}, got "${raw}"`, spec.name);
  }
  return value;
};

const dlqQueue = (spec: CommandSpec, raw: string | true | undefined): DlqQueue => {
  if (raw === undefined) return 'purge';
  if (!DLQ_QUEUES.includes(raw as DlqQueue)) {
    throw new UsageError(`--queue must be purge, notices or export, got "${String(raw)}"`, spec.name);
  }
  return raw as DlqQueue;
};

const commandOf = (spec: CommandSpec, args: readonly string[], values: Tokens['values']): Command => {
  const expected = spec.args.length;
  if (args.length > expected) {
    throw new UsageError(`unexpected argument "${args[expected]}": ${usageOf(spec)}`, spec.name);
  }
  switch (spec.name) {
    case 'status':
    case 'release':
    case 'receipt':
    case 'audit':
      return { name: spec.name, accountId: accountIdFrom(spec, args) };
    case 'hold': {
      const accountId = accountIdFrom(spec, args);
      const raw = values.get('reason');
      if (raw === undefined) throw new UsageError(`hold needs --reason: ${usageOf(spec)}`, spec.name);
      // The API's own rule for a hold's reason, so the CLI and PUT /legal-hold accept the same text.
      const parsed = legalHoldBody.check({ reason: raw });
      if (!parsed.ok) {
        throw new UsageError('--reason must be 1-500 characters, not only spaces', spec.name);
      }
      return { name: 'hold', accountId, reason: parsed.value.reason };
    }
    case 'sweep': {
      const dryRun = values.get('dry-run') === true;
      const yes = values.get('yes') === true;
      if (dryRun === yes) {
        throw new UsageError(
          dryRun
            ? 'sweep takes --dry-run or --yes, not both'
            : 'a sweep starts purges that cannot be undone: add --dry-run to see what it would claim, or --yes to run it',
          spec.name,
        );
      }
      return { name: 'sweep', dryRun };
    }
    case 'list': {
      const state = values.get('state');
      if (state !== undefined && !LIST_STATES.includes(state as (typeof LIST_STATES)[number])) {
        throw new UsageError(`--state must be DEACTIVATED or PURGING, got "${String(state)}"`, spec.name);
      }
      if (values.get('held') === true && (values.get('due') === true || values.get('overdue') === true)) {
        throw new UsageError(
          '--held lists held accounts, which are never due: not with --due or --overdue',
          spec.name,
        );
      }
      const limit = values.get('limit');
      if (
        limit !== undefined &&
        (!/^\d+$/.test(String(limit)) || Number(limit) < 1 || Number(limit) > 1000)
      ) {
        throw new UsageError(
          `--limit must be a whole number from 1 to 1000, got "${String(limit)}"`,
          spec.name,
        );
      }
      const cursor = values.get('cursor');
      return {
        name: 'list',
        filter: {
          ...(state !== undefined && { state: state as (typeof LIST_STATES)[number] }),
          ...(values.get('held') === true && { held: true }),
          ...(values.get('due') === true && { due: true }),
          ...(values.get('overdue') === true && { overdue: true }),
        },
        limit: limit === undefined ? DEFAULT_LIST_LIMIT : Number(limit),
        ...(typeof cursor === 'string' && { cursor }),
      };
    }
    case 'dlq list':
      return {
        name: 'dlq list',
        queue: dlqQueue(spec, values.get('queue')),
        max: count(spec, values.get('max')) ?? DEFAULT_DLQ_LIST_MAX,
      };
    case 'dlq redrive': {
      const max = count(spec, values.get('max'));
      return {
        name: 'dlq redrive',
        queue: dlqQueue(spec, values.get('queue')),
        ...(max !== undefined && { max }),
      };
    }
    case 'retention':
      return { name: 'retention', measure: values.get('schedule') !== true };
    case 'verify': {
      const config = values.get('config');
      return {
        name: 'verify',
        offline: values.get('offline') === true,
        ...(typeof config === 'string' && { config }),
      };
    }
  }
};

/** Parses `lethe`'s arguments (without `node` and the script) into a command, or the help to print. */
export const parseArgs = (argv: readonly string[]): Invocation => {
  const { positionals, values } = tokenize(argv);
  const help = values.get('help') === true;
  let [word, ...rest] = positionals;
  if (word === 'help') {
    // `lethe help`, `lethe help status`, `lethe help dlq list`
    const topic = rest.join(' ');
    return { kind: 'help', text: topic === '' ? mainHelp() : commandHelp(topic) };
  }
  if (word === undefined) {
    if (help) return { kind: 'help', text: mainHelp() };
    throw new UsageError('no command given', '');
  }
  if (!COMMAND_WORDS.includes(word)) throw unknownCommand(word);
  if (word === 'dlq') {
    const [sub, ...after] = rest;
    if (sub === undefined) {
      if (help) return { kind: 'help', text: commandHelp('dlq') };
      throw new UsageError('dlq needs a command: lethe dlq list, or lethe dlq redrive', 'dlq');
    }
    if (!specOf(`dlq ${sub}`)) {
      throw new UsageError(`unknown command "dlq ${sub}": lethe dlq list, or lethe dlq redrive`, 'dlq');
    }
    word = `dlq ${sub}`;
    rest = after;
  }
  const spec = specOf(word) as CommandSpec;
  if (help) return { kind: 'help', text: commandHelp(spec.name) };
  for (const name of values.keys()) {
    if (!(name in GLOBAL_OPTIONS) && !(name in spec.options)) {
      throw new UsageError(`${spec.name} does not take --${name}`, spec.name);
    }
  }
  return { kind: 'command', command: commandOf(spec, rest, values), global: globalOptions(values) };
};
