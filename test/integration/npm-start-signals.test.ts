/**
 * `npm start` stops everything it started on SIGTERM or SIGINT sent to npm's
 * own pid, as `timeout`, an IDE's stop button or a supervisor sends it, not
 * only on a terminal's Ctrl-C to the whole process group. (npm passes the
 * signal to its child; a shell between npm and tsx used to swallow it, and
 * the app and every stand-in kept their ports.)
 */
import { describe, expect, it } from 'vitest';
import { distinctFreePorts } from '../../local/free-port.ts';
import { isFree, npmStart } from './npm-start.ts';

const STARTED = 'Lethe is running';

const until = async (probe: () => Promise<boolean> | boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
};

describe('npm start and signals', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'stops the app and every stand-in on %s to the npm pid, leaving every port free',
    async (signal) => {
      // Arrange: npm start on ports of its own, up and serving
      const ports = await distinctFreePorts(5);
      const [port, dynamodbPort, sesPort, sqsS3Port, cognitoPort] = ports.map(String) as [
        string,
        string,
        string,
        string,
        string,
      ];
      const run = npmStart({
        PORT: port,
        LETHE_DYNAMODB_PORT: dynamodbPort,
        LETHE_SES_PORT: sesPort,
        LETHE_SQS_S3_PORT: sqsS3Port,
        LETHE_COGNITO_PORT: cognitoPort,
        LETHE_SEED_ACCOUNTS: '0',
      });
      try {
        const up = await until(() => run.output().stdout.includes(STARTED), 120_000);
        expect(up, run.output().stderr).toBe(true);
        expect(await isFree(ports[0] as number)).toBe(false);
        // The banner points at the SES stand-in's web UI to read mail, not its raw JSON (/store)
        expect(run.output().stdout).toContain(
          `Sent mail          http://127.0.0.1:${sesPort}/ (the SES stand-in's web UI)`,
        );
        expect(run.output().stdout).not.toContain('/store');

        // Act: the signal to the pid we spawned (npm), not to its process group
        run.child.kill(signal);
        const exited = await until(
          () => run.child.exitCode !== null || run.child.signalCode !== null,
          30_000,
        );

        // Assert: it said so, and every port it held is free again
        const freed = await until(async () => (await Promise.all(ports.map(isFree))).every(Boolean), 30_000);
        const held = (await Promise.all(ports.map(async (p) => ((await isFree(p)) ? [] : [p])))).flat();
        expect({ exited, freed, held }).toEqual({ exited: true, freed: true, held: [] });
        expect(run.output().stdout).toContain(`${signal}: stopping…`);
      } finally {
        // A failed run must not leave its processes behind for the rest of the suite.
        run.killAll();
      }
    },
    180_000,
  );
});
