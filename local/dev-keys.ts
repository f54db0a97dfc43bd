/**
 * Local mode's keys, made on first use and kept in `.lethe/` (git-ignored):
 * the JWT signing key and the subject key. `npm start`, `npm run token` and
 * the CLI find the same ones, and a data dir kept across restarts keeps
 * matching them.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export const defaultKeyDir = () => join(process.cwd(), '.lethe');

/** Reads `file`, or writes what `make` returns; if another process wrote it first, theirs wins. */
export const readOrCreate = async (file: string, make: () => Promise<string>): Promise<string> => {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const value = await make();
  await mkdir(dirname(file), { recursive: true });
  try {
    await writeFile(file, value, { mode: 0o600, flag: 'wx' });
    return value;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readFile(file, 'utf8');
  }
};

export const localSubjectKey = (keyDir = defaultKeyDir()) =>
  readOrCreate(join(keyDir, 'dev-subject-key'), async () => randomBytes(32).toString('hex'));
