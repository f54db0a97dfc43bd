/**
 * What the CLI knows: every command with its arguments, options, summary,
 * description and examples, and the global options. The parser (args.ts)
 * and the help (help.ts) both read these; changing a command is an edit here.
 */
import type { CommandName } from './args.ts';

export interface OptionSpec {
  readonly type: 'boolean' | 'string';
  /** The value's placeholder in help, for string options. */
  readonly value?: string;
  readonly description: string;
  /** A one-letter alias. */
  readonly short?: string;
  /** Shown in the usage line: the command cannot run without it. */
  readonly required?: boolean;
}

export interface CommandSpec {
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

export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
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
  operator: {
    type: 'string',
    value: 'id',
    description:
      'who the audit trail records for hold, release and sweep --yes (default: LETHE_OPERATOR, else your OS login)',
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
      'sent an unreadable one there at once. Peeking receives the messages and makes them visible again a\n' +
      'second after it ends, so each listing adds one to their receive counts and a redrive right after may\n' +
      'need to wait that second.',
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

export const specOf = (name: string) => COMMANDS.find((c) => c.name === name);
