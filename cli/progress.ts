/**
 * A progress bar on stderr, drawn only when stderr is a terminal: stdout stays
 * clean for `--json`, and logs and pipes never get carriage returns.
 */

export interface ErrorStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface Progress {
  /** Counts `n` more items done. */
  tick(n?: number): void;
  /** Clears the bar. */
  done(): void;
}

/** One line: `label [#######.......] 7/16`; with no known total, the count alone. */
export const renderBar = (label: string, done: number, total: number | undefined, width = 24): string => {
  if (total === undefined || total <= 0) return `${label} ${done}`;
  const shown = Math.min(done, total);
  const filled = Math.round((shown / total) * width);
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
};

const REDRAW_MS = 80;
const CLEAR_LINE = '\r\x1b[2K';

export const createProgress = (stream: ErrorStream, label: string, total?: number): Progress => {
  if (!stream.isTTY) return { tick: () => undefined, done: () => undefined };
  let count = 0;
  let drawnAt = 0;
  const draw = () => {
    const line = renderBar(label, count, total);
    stream.write(`${CLEAR_LINE}${line.slice(0, Math.max(10, (stream.columns || 80) - 1))}`);
    drawnAt = Date.now();
  };
  draw();
  return {
    tick(n = 1) {
      count += n;
      if (Date.now() - drawnAt >= REDRAW_MS || (total !== undefined && count >= total)) draw();
    },
    done() {
      stream.write(CLEAR_LINE);
    },
  };
};
