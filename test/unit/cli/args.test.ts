import { describe, expect, it } from 'vitest';
import { COMMANDS, DEFAULT_DLQ_LIST_MAX, operatorFromEnv, parseArgs, UsageError } from '../../../cli/args.ts';

const command = (argv: string[]) => {
  const invocation = parseArgs(argv);
  if (invocation.kind !== 'command') throw new Error(`expected a command, got help:\n${invocation.text}`);
  return invocation;
};

const usageError = (argv: string[]): UsageError => {
  try {
    parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`expected a usage error for: ${argv.join(' ')}`);
};

describe('parseArgs: commands', () => {
  it('reads an account command with its id, in local mode with table output by default', () => {
    // Act
    const { command: parsed, global } = command(['status', 'demo-0001']);

    // Assert
    expect(parsed).toEqual({ name: 'status', accountId: 'demo-0001' });
    expect(global).toEqual({ json: false });
  });

  it.each([
    ['release', ['release', 'auth0|abc'], { name: 'release', accountId: 'auth0|abc' }],
    ['receipt', ['receipt', '12345'], { name: 'receipt', accountId: '12345' }],
    ['audit', ['audit', 'a.b@c+d:e'], { name: 'audit', accountId: 'a.b@c+d:e' }],
    ['sweep --dry-run', ['sweep', '--dry-run'], { name: 'sweep', dryRun: true }],
    ['sweep --yes', ['sweep', '--yes'], { name: 'sweep', dryRun: false }],
    ['dlq list', ['dlq', 'list'], { name: 'dlq list', queue: 'purge', max: DEFAULT_DLQ_LIST_MAX }],
    ['dlq list --max', ['dlq', 'list', '--max', '7'], { name: 'dlq list', queue: 'purge', max: 7 }],
    [
      'dlq list --queue notices',
      ['dlq', 'list', '--queue', 'notices'],
      { name: 'dlq list', queue: 'notices', max: DEFAULT_DLQ_LIST_MAX },
    ],
    ['dlq redrive', ['dlq', 'redrive'], { name: 'dlq redrive', queue: 'purge' }],
    ['dlq redrive --max=3', ['dlq', 'redrive', '--max=3'], { name: 'dlq redrive', queue: 'purge', max: 3 }],
    [
      'dlq redrive --queue=export',
      ['dlq', 'redrive', '--queue=export'],
      { name: 'dlq redrive', queue: 'export' },
    ],
    ['verify', ['verify'], { name: 'verify', offline: false }],
    [
      'verify --offline --config',
      ['verify', '--offline', '--config', 'staging.config.ts'],
      { name: 'verify', offline: true, config: 'staging.config.ts' },
    ],
  ])('reads %s', (_label, argv, expected) => {
    expect(command(argv).command).toEqual(expected);
  });

  it('names the operator the audit trail records, from --operator or LETHE_OPERATOR', () => {
    expect(command(['release', 'demo-0001', '--operator', 'jdoe@example.com']).global).toEqual({
      json: false,
      operator: 'jdoe@example.com',
    });
    expect(operatorFromEnv({ LETHE_OPERATOR: 'ops-1' })).toBe('ops-1');
    expect(operatorFromEnv({ LETHE_OPERATOR: '' })).toBeUndefined();
    expect(() => operatorFromEnv({ LETHE_OPERATOR: 'two words' })).toThrow(
      'LETHE_OPERATOR "two words" is not an operator id',
    );
  });

  it('takes a hold reason with a space, trimmed as the API trims it', () => {
    const { command: parsed } = command(['hold', 'demo-0002', '--reason', '  Case 2026-114 ']);

    expect(parsed).toEqual({ name: 'hold', accountId: 'demo-0002', reason: 'Case 2026-114' });
  });

  it('takes global options before or after the command, and --name=value', () => {
    const before = command(['--json', '--stack', 'Prod', '--region=eu-west-1', 'status', 'x']);
    const after = command(['status', 'x', '--region', 'eu-west-1', '--json', '--stack=Prod']);

    expect(before.global).toEqual({ json: true, stack: 'Prod', region: 'eu-west-1' });
    expect(after).toEqual(before);
  });

  it('reads an account id that starts with a dash after "--"', () => {
    expect(command(['status', '--', '-42']).command).toEqual({ name: 'status', accountId: '-42' });
  });
});

describe('parseArgs: help', () => {
  it.each([[['--help']], [['-h']], [['help']]])('answers the main help for %j', (argv) => {
    const invocation = parseArgs(argv);

    expect(invocation.kind).toBe('help');
    if (invocation.kind !== 'help') return;
    for (const spec of COMMANDS) expect(invocation.text).toContain(spec.name);
    expect(invocation.text).toContain('--stack <prefix>');
  });

  it.each([
    [['status', '--help'], 'Usage: lethe status <accountId> [options]'],
    [['hold', 'demo-0001', '-h'], 'Usage: lethe hold <accountId> --reason <text> [options]'],
    [['help', 'sweep'], 'Usage: lethe sweep [options]'],
    [['dlq', 'redrive', '--help'], 'Usage: lethe dlq redrive [options]'],
    [['dlq', '--help'], 'lethe dlq: the dead-letter queues (--queue purge, notices or export)'],
  ])('answers %j with its own help', (argv, first) => {
    const invocation = parseArgs(argv);

    expect(invocation.kind === 'help' && invocation.text.split('\n')[0]).toBe(first);
  });

  it("lists each command's own options and the global ones in its help", () => {
    const invocation = parseArgs(['sweep', '--help']);
    const text = invocation.kind === 'help' ? invocation.text : '';

    expect(text).toMatch(/--dry-run\s+show what the next sweep would claim/);
    expect(text).toMatch(/--yes\s+run a real sweep now/);
    expect(text).toMatch(/--json\s+print one JSON document/);
    expect(text).toContain('lethe sweep --dry-run --json');
  });
});

describe('parseArgs: mistakes', () => {
  it.each([
    [[], 'no command given', ''],
    [['stats', 'x'], 'unknown command "stats"; did you mean "status"?', ''],
    [['frobnicate'], 'unknown command "frobnicate"', ''],
    [['dlq'], 'dlq needs a command: lethe dlq list, or lethe dlq redrive', 'dlq'],
    [['dlq', 'purge'], 'unknown command "dlq purge": lethe dlq list, or lethe dlq redrive', 'dlq'],
    [['status'], 'status needs an account id: lethe status <accountId> [options]', 'status'],
    [['status', 'a b'], 'invalid account id "a b": 1-128 letters, digits or ._:|@+- characters', 'status'],
    [['status', 'x'.repeat(129)], `invalid account id "${'x'.repeat(129)}"`, 'status'],
    [['status', 'x', 'y'], 'unexpected argument "y"', 'status'],
    [['status', 'x', '--reason', 'r'], 'status does not take --reason', 'status'],
    [['status', 'x', '--verbose'], 'unknown option "--verbose"', ''],
    [['status', '-42'], 'unknown option "-42" (an account id that starts with "-" goes after "--"', ''],
    [['status', 'x', '--json=yes'], '--json takes no value', ''],
    [['status', 'x', '--json', '--json'], '--json is given twice', ''],
    [['hold', 'x'], 'hold needs --reason', 'hold'],
    [['hold', 'x', '--reason'], '--reason needs a value: --reason <text>', ''],
    [['hold', 'x', '--reason', '--json'], '--reason needs a value', ''],
    [['hold', 'x', '--reason', '   '], '--reason must be 1-500 characters', 'hold'],
    [['hold', 'x', '--reason', 'r'.repeat(501)], '--reason must be 1-500 characters', 'hold'],
    [['sweep'], 'a sweep starts purges that cannot be undone: add --dry-run', 'sweep'],
    [['sweep', '--dry-run', '--yes'], 'sweep takes --dry-run or --yes, not both', 'sweep'],
    [['dlq', 'list', '--max', '0'], '--max must be a whole number from 1 to 100000, got "0"', 'dlq list'],
    [['dlq', 'list', '--max', '2.5'], '--max must be a whole number', 'dlq list'],
    [['dlq', 'redrive', '--max', '-1'], '--max must be a whole number', 'dlq redrive'],
    [
      ['dlq', 'list', '--queue', 'sweep'],
      '--queue must be purge, notices or export, got "sweep"',
      'dlq list',
    ],
    [['status', 'x', '--region', 'eu-west-1'], '--region needs --stack: local mode has no region', ''],
    [
      ['status', 'x', '--stack', 'Prod', '--region', 'Ireland'],
      '--region "Ireland" is not an AWS region',
      '',
    ],
    [['status', 'x', '--stack', '9lives'], '--stack "9lives" is not a stack-name prefix', ''],
    [['verify', '--config'], '--config needs a value: --config <file>', ''],
    [['verify', 'extra'], 'unexpected argument "extra"', 'verify'],
    [['status', 'x', '--offline'], 'status does not take --offline', 'status'],
    [['release', 'x', '--operator', 'Jane Doe'], '--operator "Jane Doe" is not an operator id', ''],
    [['release', 'x', '--operator', 'o'.repeat(129)], 'is not an operator id: 1-128 letters', ''],
  ])('refuses %j', (argv, message, helpFor) => {
    const error = usageError(argv);

    expect(error.message).toContain(message);
    expect(error.message).not.toContain('\n');
    expect(error.helpFor).toBe(helpFor);
  });

  it('accepts the longest account id and the longest reason', () => {
    const id = 'x'.repeat(128);

    expect(command(['hold', id, '--reason', 'r'.repeat(500)]).command).toMatchObject({ accountId: id });
  });
});
