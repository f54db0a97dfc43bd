/**
 * The command line, parsed by hand into one typed command: node's parseArgs
 * cannot tell a command's options from another's, and its messages are not
 * the one-line errors an operator should see. Pure: no I/O.
 */
import { isAccountId } from '../functions/core/account-id.ts';
import { legalHoldBody } from '../functions/http/schemas.ts';

/** A mistake on the command line: one line on stderr, exit code 2, and a pointer to the help. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    /** The help to point at: `lethe <helpFor> --help`. */
    readonly helpFor?: string,
  ) {
    super(message);
  }
}

export interface GlobalOptions {
  readonly json: boolean;
  /** A deployed app's stack-name prefix; absent: local mode. */
  readonly stack?: string;
  readonly region?: string;
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

interface OptionSpec {
  readonly type: 'boolean' | 'string';
  /** The value's placeholder in help, for string options. */
  readonly value?: string;
  readonly description: string;
  /** A one-letter alias. */
  readonly short?: string;
  /** Shown in the usage line: the command cannot run without it. */
  readonly required?: boolean;
}

interface CommandSpec {
  readonly name: CommandName;
  /** Positional arguments after the command words. */
  readonly args: readonly string[];
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly summary: string;
  readonly description: string;
  readonly examples: readonly string[];
}

export const DEFAULT_DLQ_LIST_MAX = 100;
/** The queues whose DLQs `lethe dlq` reads and redrives. */
export const DLQ_QUEUES = ['purge', 'notices', 'export'] as const;
export type DlqQueue = (typeof DLQ_QUEUES)[number];
const QUEUE_OPTION = {
  type: 'string',
  value: 'name',
  description: 'whose DLQ: purge (the default), notices or export',
} as const;
export const DEFAULT_LIST_LIMIT = 50;
const LIST_STATES = ['DEACTIVATED', 'PURGING'] as const;
const MAX_MESSAGES = 100_000;

const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  json: { type: 'boolean', description: 'print one JSON document on stdout and nothing else (for scripts)' },
  stack: {
    type: 'string',
    value: 'prefix',
    description: 'a deployed app: read stacks <prefix>Stateful and <prefix>Stateless (e.g. Lethe)',
  },
  region: {
    type: 'string',
    value: 'region',
    description: "the stack's region (default: AWS_REGION or your AWS profile's)",
  },
  help: { type: 'boolean', short: 'h', description: 'show help' },
};

const ACCOUNT_ARG = ['accountId'] as const;

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'status',
    args: ACCOUNT_ARG,
    options: {},
    summary: 'lifecycle state, purge date, legal hold, purge progress',
    description:
      'Shows what Lethe holds about an account: its state, when it was deactivated and when it may be purged,\n' +
      'whether a legal hold is on, notices sent, and while PURGING the progress through each data-map store.\n' +
      'A purged account shows PURGED and when, from the tombstone the purge left.',
    examples: ['lethe status demo-0001', 'lethe status demo-0001 --json | jq .status'],
  },
  {
    name: 'hold',
    args: ACCOUNT_ARG,
    options: {
      reason: {
        type: 'string',
        value: 'text',
        required: true,
        description: 'why the data must be kept (1-500 characters)',
      },
    },
    summary: 'place a legal hold: the account is not purged while it is on',
    description:
      'Places a legal hold, as PUT /v1/accounts/{accountId}/legal-hold does, and records it in the audit trail.\n' +
      'A held account is never purged; placing a hold again changes nothing (the first reason and time stay).\n' +
      'Refused for PURGING and PURGED accounts.',
    examples: ['lethe hold demo-0002 --reason "Case 2026-114"'],
  },
  {
    name: 'release',
    args: ACCOUNT_ARG,
    options: {},
    summary: 'release a legal hold: the purge resumes if it is due',
    description:
      'Releases a legal hold, as DELETE /v1/accounts/{accountId}/legal-hold does. A deactivated account whose\n' +
      'purge date has passed is claimed by the next sweep.',
    examples: ['lethe release demo-0002'],
  },
  {
    name: 'receipt',
    args: ACCOUNT_ARG,
    options: {},
    summary: "a purged account's deletion receipt",
    description:
      'Shows the deletion receipt a purge left: when it ran, what each data-map store deleted, when processors\n' +
      'were asked and owe their deletion by, and when backups that may hold the data have expired. The receipt\n' +
      'is keyed by an HMAC of the id, so it is found from the id but holds no id itself.',
    examples: ['lethe receipt demo-0001', 'lethe receipt demo-0001 --json'],
  },
  {
    name: 'audit',
    args: ACCOUNT_ARG,
    options: {},
    summary: "an account's audit trail",
    description:
      'Lists every recorded transition of an account (deactivated, restored, holds, purge steps), oldest first,\n' +
      'with who made it. Kept after a purge, keyed by an HMAC of the id.',
    examples: ['lethe audit demo-0001'],
  },
  {
    name: 'sweep',
    args: [],
    options: {
      'dry-run': {
        type: 'boolean',
        description: 'show what the next sweep would claim and how many items each purge would delete',
      },
      yes: {
        type: 'boolean',
        description: 'run a real sweep now: enqueue due notices, claim due accounts and enqueue their purges',
      },
    },
    summary: 'what the next sweep would claim (--dry-run), or sweep now (--yes)',
    description:
      'With --dry-run, reads the `due` index as the sweeper does (never a Scan), keeps the accounts a sweep\n' +
      'would claim (deactivated, past their purge date, not held; or a purge whose worker went quiet), and\n' +
      "counts each one's items in every data-map store. Changes nothing.\n" +
      'With --yes, runs the sweep itself, as the schedule does: the due notices go to the notice queue, then\n' +
      'the due accounts are claimed and their purges enqueued. The purges it starts cannot be undone.',
    examples: ['lethe sweep --dry-run', 'lethe sweep --dry-run --json', 'lethe sweep --yes'],
  },
  {
    name: 'list',
    args: [],
    options: {
      state: {
        type: 'string',
        value: 'state',
        description: 'only accounts in this state: DEACTIVATED or PURGING',
      },
      held: { type: 'boolean', description: 'accounts under a legal hold (the `holds` index)' },
      due: { type: 'boolean', description: 'accounts past purgeAfter and not purged, held ones aside' },
      overdue: {
        type: 'boolean',
        description:
          'accounts past purgeAfter + the deletion SLA and not purged (what OverdueAccountsAlarm counts)',
      },
      limit: {
        type: 'string',
        value: 'n',
        description: `at most n accounts a page (default ${DEFAULT_LIST_LIMIT})`,
      },
      cursor: {
        type: 'string',
        value: 'token',
        description: 'the next page: the cursor the last page printed',
      },
    },
    summary: 'accounts by state: --state, --held, --due, --overdue (paged)',
    description:
      "Lists accounts from the Accounts table's sparse indexes, never a Scan: --due and --overdue read the\n" +
      '`due` index (unheld DEACTIVATED and PURGING accounts) up to now, or now minus the deletion SLA\n' +
      '(LETHE_DELETION_SLA, default P1D); --held reads the `holds` index; --state filters what was read.\n' +
      'Without a filter, every account in the `due` index. A page holds --limit accounts; a next page is\n' +
      'asked for with the --cursor the last one printed.',
    examples: [
      'lethe list --overdue',
      'lethe list --due --state PURGING',
      'lethe list --held --json | jq -r ".accounts[].accountId"',
    ],
  },
  {
    name: 'dlq list',
    args: [],
    options: {
      queue: QUEUE_OPTION,
      max: {
        type: 'string',
        value: 'n',
        description: `show at most n messages (default ${DEFAULT_DLQ_LIST_MAX})`,
      },
    },
    summary: 'peek at the jobs in a dead-letter queue (purge, notices, export)',
    description:
      'Lists the jobs that failed every delivery, or could never be read: message id, what the job was for\n' +
      '(a purge or an export: the account id and the masked id its log lines carry; a notice: its kind),\n' +
      'when it was sent and first received, how often it was received, and the reason a worker gave when it\n' +
      'sent an unreadable one there at once. Peeking receives the messages and makes them visible again at\n' +
      'once, so each listing adds one to their receive counts.',
    examples: [
      'lethe dlq list',
      'lethe dlq list --queue notices',
      'lethe dlq list --queue export --json | jq -r ".messages[].accountId"',
    ],
  },
  {
    name: 'dlq redrive',
    args: [],
    options: {
      queue: QUEUE_OPTION,
      max: { type: 'string', value: 'n', description: 'move at most n messages (default: all)' },
    },
    summary: 'move the dead-lettered jobs back to their queue (purge, notices, export)',
    description:
      'Moves every message in the DLQ back to its queue, ten at a time: send to the queue, then delete from\n' +
      'the DLQ. A message whose send fails stays in the DLQ. Purge jobs are idempotent and a notice is sent\n' +
      'at most once, so a message sent twice (after an interrupted redrive) does no harm; an export already\n' +
      'marked FAILED stays failed (the user asks again).',
    examples: ['lethe dlq redrive', 'lethe dlq redrive --max 10', 'lethe dlq redrive --queue notices'],
  },
  {
    name: 'verify',
    args: [],
    options: {
      offline: {
        type: 'boolean',
        description: "skip what needs the internet beyond AWS (the JWT issuer's discovery document)",
      },
      config: {
        type: 'string',
        value: 'file',
        description: 'a module exporting the configuration (`config` or default) (default: lethe.config.ts)',
      },
    },
    summary: 'check an environment against the configuration before relying on it',
    description:
      'Checks, reading only: every data-map store exists with the partition and sort key, index and\n' +
      'attribute it names (DynamoDB DescribeTable; S3 HeadBucket, and that a versioned bucket is marked so),\n' +
      "and each retention rule's table has the lethe-retention index (and TTL for a ttl rule);\n" +
      "the sender's SES identity is verified and the account is out of the SES sandbox; the alarm topic\n" +
      'has a confirmed subscription; the JWT issuer the API trusts serves its discovery document and keys.\n' +
      'Prints one line per check: PASS, FAIL, or SKIP with the reason (local mode has no SNS and no issuer;\n' +
      'the SES stand-in has no identities or sandbox). Exit code 0 when nothing failed, 1 when a check failed.',
    examples: [
      'lethe verify',
      'lethe verify --stack Lethe --region eu-west-1',
      'lethe verify --stack LetheStaging --config ./staging.config.ts --json',
      'lethe verify --stack Lethe --offline',
    ],
  },
  {
    name: 'retention',
    args: [],
    options: {
      schedule: {
        type: 'boolean',
        description: 'print the schedule alone, reading nothing (no target needed)',
      },
    },
    summary: 'the retention schedule, with the oldest item each category still holds',
    description:
      'Prints the retention schedule of the data map (P9) as a Markdown table: category, what it holds,\n' +
      'stores, how long it is kept, legal basis. Against local mode or a deployed app (--stack) it adds the\n' +
      'age of the oldest item each category still holds next to its window + max lag\n' +
      '(LETHE_RETENTION_MAX_LAG, default the configured retentionMaxLag or P1D), read oldest first through\n' +
      'the lethe-retention index (S3: a listing of the prefix); items kept by a legal hold are counted apart.',
    examples: ['lethe retention', 'lethe retention --json', 'lethe retention --schedule'],
  },
];

const specOf = (name: string) => COMMANDS.find((c) => c.name === name);

const optionLine = (name: string, spec: OptionSpec) =>
  `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.type === 'string' ? ` <${spec.value ?? 'value'}>` : ''}`;

const columns = (rows: readonly (readonly [string, string])[], indent = '  ') => {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `${indent}${left.padEnd(width)}  ${right}`).join('\n');
};

/** `status <accountId>`, `hold <accountId> --reason <text>`: the words, arguments and required options. */
const synopsis = (spec: CommandSpec) =>
  [
    spec.name,
    ...spec.args.map((a) => `<${a}>`),
    ...Object.entries(spec.options)
      .filter(([, o]) => o.required)
      .map(([name, o]) => optionLine(name, o)),
  ].join(' ');

const usageOf = (spec: CommandSpec) => `lethe ${synopsis(spec)} [options]`;

const TARGETS =
  'Target: local mode by default (the stand-ins `npm start` runs on 127.0.0.1, ports from\n' +
  'LETHE_DYNAMODB_PORT, LETHE_SQS_S3_PORT, LETHE_SES_PORT and LETHE_COGNITO_PORT, subject key from .lethe/\n' +
  'in this directory);\n' +
  'with --stack, a deployed app (outputs from CloudFormation, subject key from Secrets Manager).';

export const mainHelp = (): string =>
  [
    'lethe: operate Lethe (account status, legal holds, receipts, audit trails, sweeps, the DLQs)',
    '',
    'Usage: lethe <command> [options]',
    '',
    'Commands:',
    columns(COMMANDS.map((spec) => [synopsis(spec), spec.summary])),
    '',
    'Options:',
    columns(Object.entries(GLOBAL_OPTIONS).map(([name, spec]) => [optionLine(name, spec), spec.description])),
    '',
    TARGETS,
    '',
    "Run 'lethe <command> --help' for a command's options and examples.",
  ].join('\n');

export const commandHelp = (name: string): string => {
  if (name === 'dlq') {
    const dlq = COMMANDS.filter((c) => c.name.startsWith('dlq '));
    return [
      'lethe dlq: the dead-letter queues (--queue purge, notices or export)',
      '',
      'Commands:',
      columns(dlq.map((spec) => [spec.name, spec.summary])),
      '',
      "Run 'lethe dlq list --help' or 'lethe dlq redrive --help' for details.",
    ].join('\n');
  }
  const spec = specOf(name);
  if (!spec) throw new UsageError(`unknown command "${name}"`, '');
  const options = [
    ...Object.entries(spec.options).map(([n, o]) => [optionLine(n, o), o.description] as const),
    ...Object.entries(GLOBAL_OPTIONS).map(([n, o]) => [optionLine(n, o), o.description] as const),
  ];
  return [
    `Usage: ${usageOf(spec)}`,
    '',
    spec.description,
    '',
    'Options:',
    columns(options),
    '',
    'Examples:',
    ...spec.examples.map((e) => `  ${e}`),
    '',
    TARGETS,
  ].join('\n');
};

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

const STACK_PREFIX = /^[A-Za-z][A-Za-z0-9-]{0,118}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

const globalOptions = (values: Tokens['values']): GlobalOptions => {
  const stack = values.get('stack');
  const region = values.get('region');
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
      const parsed = legalHoldBody.safeParse({ reason: raw });
      if (!parsed.success) {
        throw new UsageError('--reason must be 1-500 characters, not only spaces', spec.name);
      }
      return { name: 'hold', accountId, reason: parsed.data.reason };
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
