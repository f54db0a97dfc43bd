/** SES v2: aws-ses-v2-local, in-process; sent mail is readable at GET <ses endpoint>/store. */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { Config as SesConfig } from 'aws-ses-v2-local';
import { LOOPBACK, type Running, StandInError } from './stand-in-support.ts';

type StartSesServer = (config?: Partial<SesConfig>) => Promise<Server>;

export async function startSes(port: number): Promise<Running> {
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
