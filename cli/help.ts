/** The help text: `lethe --help` and `lethe <command> --help`, written from the command specs. */
import { COMMANDS, type CommandSpec, GLOBAL_OPTIONS, type OptionSpec, specOf } from './command-specs.ts';
import { UsageError } from './usage-error.ts';

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

export const usageOf = (spec: CommandSpec) => `lethe ${synopsis(spec)} [options]`;

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
