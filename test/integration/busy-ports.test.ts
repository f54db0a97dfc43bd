import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { distinctFreePorts } from '../../local/free-port.ts';
import { StandInError, startStandIns } from '../../local/stand-ins.ts';
import { npmStart } from './npm-start.ts';

const holders: Server[] = [];

const hold = (port: number) =>
  new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
    holders.push(server);
  });

afterEach(async () => {
  await Promise.all(holders.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('npm start with busy ports', () => {
  it('names every busy stand-in port at once, in one wording, and starts nothing', async () => {
    // Arrange: two of the four stand-in ports are held by someone else.
    const [dynamodbPort, sesPort, sqsS3Port, cognitoPort] = (await distinctFreePorts(4)) as [
      number,
      number,
      number,
      number,
    ];
    await hold(sesPort);
    await hold(cognitoPort);

    // Act
    const started = startStandIns({ dynamodbPort, sesPort, sqsS3Port, cognitoPort, quiet: true });

    // Assert: one error, one line per busy port, each naming the variable that moves it.
    const error = await started.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(StandInError);
    expect((error as Error).message.split('\n')).toEqual([
      `Port ${sesPort} (SES (aws-ses-v2-local)) is already in use: stop what holds it or set LETHE_SES_PORT to a free port`,
      `Port ${cognitoPort} (Cognito (cognito-local)) is already in use: stop what holds it or set LETHE_COGNITO_PORT to a free port`,
    ]);
    // Nothing was started: the free ports are still free.
    for (const port of [dynamodbPort, sqsS3Port]) await hold(port);
  });

  it("names the API port with the stand-ins' ports, in the same words, before anything starts", async () => {
    // Arrange: the API's port and one stand-in's port are held by someone else.
    const [port, dynamodbPort, sesPort, sqsS3Port, cognitoPort] = await distinctFreePorts(5);
    await hold(port as number);
    await hold(sesPort as number);

    // Act: npm start, as a developer runs it
    const run = npmStart({
      PORT: String(port),
      LETHE_DYNAMODB_PORT: String(dynamodbPort),
      LETHE_SES_PORT: String(sesPort),
      LETHE_SQS_S3_PORT: String(sqsS3Port),
      LETHE_COGNITO_PORT: String(cognitoPort),
    });
    const code = await run.exited;

    // Assert: both named in one go, one line each, each line with the prefix; nothing was started.
    expect(code).toBe(1);
    const lines = run
      .output()
      .stderr.split('\n')
      .filter((line) => line.includes('already in use') || line.startsWith('lethe:'));
    expect(lines).toEqual([
      `lethe: Port ${port} (the HTTP API) is already in use: stop what holds it or set PORT to a free port`,
      `lethe: Port ${sesPort} (SES (aws-ses-v2-local)) is already in use: stop what holds it or set LETHE_SES_PORT to a free port`,
    ]);
    expect(run.output().stdout).not.toContain('Lethe is running');
    for (const free of [dynamodbPort, sqsS3Port, cognitoPort]) await hold(free as number);
  });
});
