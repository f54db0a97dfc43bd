/** SQS + S3: fauxqs, in-process, both on one port, bound to loopback. */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { LOOPBACK, type Running, StandInError } from './stand-in-support.ts';

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

export async function startFauxqsOnLoopback(port: number, dataDir: string | undefined): Promise<Running> {
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
