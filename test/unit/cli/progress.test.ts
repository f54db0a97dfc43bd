import { describe, expect, it } from 'vitest';
import { createProgress, renderBar } from '../../../cli/progress.ts';

/** A stream that keeps what is written to it. */
const sink = (isTTY: boolean) => {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 100, write: (text: string) => writes.push(text) } };
};

describe('renderBar', () => {
  it.each([
    [0, 4, 'Counting [........] 0/4'],
    [1, 4, 'Counting [##......] 1/4'],
    [4, 4, 'Counting [########] 4/4'],
    [6, 4, 'Counting [########] 6/4'],
  ])('draws %d of %d', (done, total, line) => {
    expect(renderBar('Counting', done, total, 8)).toBe(line);
  });

  it('shows the count alone when the total is unknown', () => {
    expect(renderBar('Moving', 12, undefined)).toBe('Moving 12');
    expect(renderBar('Moving', 12, 0)).toBe('Moving 12');
  });
});

describe('createProgress', () => {
  it('writes nothing when stderr is not a terminal', () => {
    // Arrange
    const { writes, stream } = sink(false);

    // Act
    const progress = createProgress(stream, 'Counting', 3);
    progress.tick();
    progress.tick(2);
    progress.done();

    // Assert
    expect(writes).toEqual([]);
  });

  it('draws on a terminal, redraws on the last item, and clears its line when done', () => {
    // Arrange
    const { writes, stream } = sink(true);

    // Act
    const progress = createProgress(stream, 'Counting', 2);
    progress.tick(2);
    progress.done();

    // Assert
    expect(writes[0]).toContain('Counting [');
    expect(writes[0]).toContain('0/2');
    expect(writes.at(-2)).toContain('2/2');
    expect(writes.at(-1)).toBe('\r\x1b[2K');
    expect(writes.every((w) => !w.includes('\n'))).toBe(true);
  });
});
