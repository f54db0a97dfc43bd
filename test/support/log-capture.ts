/**
 * Captures what the process writes to stdout and stderr (where Powertools
 * logs), so tests can check that no line carries personal data (I7).
 */
export const EMAIL_PATTERN = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
export const JWT_PATTERN = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/;
/** A restore link's token (functions/core/restore-token.ts). */
export const RESTORE_TOKEN_PATTERN = /v1\.[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{43}/;

/** `echo` keeps the output on the terminal too; off by default to keep test runs readable. */
export const captureOutput = ({ echo = false }: { echo?: boolean } = {}) => {
  const lines: string[] = [];
  const originals = {
    out: process.stdout.write.bind(process.stdout),
    err: process.stderr.write.bind(process.stderr),
  };
  const tap =
    (original: typeof process.stdout.write) =>
    (chunk: unknown, ...rest: unknown[]): boolean => {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      return echo ? (original as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest) : true;
    };
  process.stdout.write = tap(originals.out) as typeof process.stdout.write;
  process.stderr.write = tap(originals.err) as typeof process.stderr.write;
  return {
    lines,
    stop: () => {
      process.stdout.write = originals.out;
      process.stderr.write = originals.err;
    },
  };
};

/** Lines that leak: an email address, a JWT, or any of the given secrets (request bodies). */
export const leakingLines = (lines: readonly string[], secrets: readonly string[] = []): string[] =>
  lines.filter(
    (line) =>
      EMAIL_PATTERN.test(line) ||
      JWT_PATTERN.test(line) ||
      RESTORE_TOKEN_PATTERN.test(line) ||
      secrets.some((s) => s && line.includes(s)),
  );
