/** Ports nothing listens on, for stand-ins started by benches and tests beside a running `npm start`. */
import { createServer } from 'node:net';

/** A port the OS just handed out on 127.0.0.1, closed again at once. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

/** `n` free ports, no two the same (the OS may hand one out again once it is closed). */
export const distinctFreePorts = async (n: number): Promise<number[]> => {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
};
