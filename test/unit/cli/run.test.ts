import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLethe } from '../../support/cli.ts';

const lethe = (argv: string[], env: NodeJS.ProcessEnv = {}, keyDir?: string) =>
  runLethe(argv, env, keyDir ? { keyDir } : {});

/** A port nothing listens on: one the OS just handed out and took back. */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

let keyDir: string;
beforeAll(async () => {
  keyDir = await mkdtemp(join(tmpdir(), 'lethe-cli-'));
  await writeFile(join(keyDir, 'dev-subject-key'), 'unit-key');
});
afterAll(() => rm(keyDir, { recursive: true, force: true }));

describe('run', () => {
  it('prints help on stdout and exits 0', async () => {
    const { code, stdout, stderr } = await lethe(['status', '--help']);

    expect(code).toBe(0);
    expect(stdout.startsWith('Usage: lethe status <accountId> [options]\n')).toBe(true);
    expect(stderr).toBe('');
  });

  it.each([
    [['status', 'not valid!'], 'lethe: invalid account id "not valid!"'],
    [['bogus'], 'lethe: unknown command "bogus"'],
    [['hold', 'demo-0001', '--json'], 'lethe: hold needs --reason'],
    [['dlq', 'list', '--max', 'lots', '--json'], 'lethe: --max must be a whole number'],
    [['list', '--state', 'ACTIVE'], 'lethe: --state must be DEACTIVATED or PURGING'],
    [['verify', '--offline=yes'], 'lethe: --offline takes no value'],
  ])('answers %j with one line on stderr, nothing on stdout, exit 2 (a usage error)', async (argv, start) => {
    const { code, stdout, stderr } = await lethe(argv);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.startsWith(start)).toBe(true);
    expect(stderr.split('\n')).toHaveLength(2);
  });

  it('says when the stand-ins are not running, and --json keeps stdout empty', async () => {
    // Arrange
    const port = await closedPort();

    // Act
    const { code, stdout, stderr } = await lethe(
      ['status', 'demo-0001', '--json'],
      { LETHE_DYNAMODB_PORT: String(port) },
      keyDir,
    );

    // Assert
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `lethe: cannot reach DynamoDB Local at http://127.0.0.1:${port}: is \`npm start\` running? If it uses other ports, set LETHE_DYNAMODB_PORT (and the others) as you did for it\n`,
    );
  });

  it('prints its version with --version, exit 0', async () => {
    const { code, stdout } = await lethe(['--version']);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^lethe \d+\.\d+\.\d+\n$/);
  });

  it('says where local mode looked for its keys', async () => {
    const { code, stderr } = await lethe(['audit', 'demo-0001'], {}, join(keyDir, 'missing'));

    expect(code).toBe(1);
    expect(stderr).toContain(`lethe: no local keys in ${join(keyDir, 'missing')}`);
  });
});

describe('the lethe bin', () => {
  const bin = join(import.meta.dirname, '../../../cli/bin.mjs');
  const exec = promisify(execFile);

  it('runs the CLI and passes its exit code on', async () => {
    // Act
    const help = await exec(process.execPath, [bin, '--help']);
    const refused = await exec(process.execPath, [bin, 'status', 'not valid!']).catch(
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

    // Assert
    expect(help.stdout.split('\n')[0]).toBe(
      'lethe: operate Lethe (account status, legal holds, receipts, audit trails, sweeps, the DLQs)',
    );
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect((refused as { stderr: string }).stderr).toMatch(/^lethe: invalid account id "not valid!"/);
  }, 30_000);
});
