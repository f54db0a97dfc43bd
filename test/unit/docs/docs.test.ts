/**
 * The docs keep up with the code: every promise and invariant a comment cites
 * is defined in docs/architecture.md, every alarm in lib/ has its entry in
 * docs/monitoring.md, and no relative link in the README or docs/ is broken.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const filesUnder = (dir: string, ext: string): string[] =>
  readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return filesUnder(path, ext);
    return path.endsWith(ext) ? [path] : [];
  });

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** P1, I3 and the like, cited in the code as `(I1, I2)` or `P7:`. */
const citedIds = (): Map<string, string> => {
  const cited = new Map<string, string>();
  for (const file of [...filesUnder('functions', '.ts'), ...filesUnder('lib', '.ts')]) {
    for (const [id] of read(file).matchAll(/\b[PI][1-9]\b/g)) {
      if (!cited.has(id)) cited.set(id, file);
    }
  }
  return cited;
};

describe('docs/architecture.md', () => {
  it('defines every promise and invariant the code cites, P1-P9 and I1-I7', () => {
    // Arrange
    const architecture = read('docs/architecture.md');
    const defined = new Set([...architecture.matchAll(/^\| \*\*([PI][1-9])\*\* \|/gm)].map(([, id]) => id));

    // Act
    const undefinedIds = [...citedIds()]
      .filter(([id]) => !defined.has(id))
      .map(([id, file]) => `${id} (cited in ${file})`);

    // Assert
    expect(undefinedIds).toEqual([]);
    for (const id of ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'P8', 'P9']) expect(defined).toContain(id);
    for (const id of ['I1', 'I2', 'I3', 'I4', 'I5', 'I6', 'I7']) expect(defined).toContain(id);
  });
});

describe('docs/monitoring.md', () => {
  it('says what each alarm in lib/ means and what to do', () => {
    // Arrange: alarms are constructs whose id ends in "Alarm" (new Alarm(...) or whenDlqHasMessages)
    const alarmIds = new Set(
      filesUnder('lib', '.ts').flatMap((file) =>
        [...read(file).matchAll(/'([A-Z][A-Za-z0-9]*Alarm)'/g)].map(([, id]) => id as string),
      ),
    );
    const monitoring = read('docs/monitoring.md');

    // Act
    const missing = [...alarmIds].filter((id) => !monitoring.includes(`| \`${id}\``));
    const withoutSection = [...alarmIds].filter(
      (id) => !new RegExp(`^### .*\\b${id}\\b`, 'm').test(monitoring),
    );

    // Assert
    expect(alarmIds.size).toBeGreaterThanOrEqual(6);
    expect(missing, 'add a row to the table in docs/monitoring.md').toEqual([]);
    expect(withoutSection, 'add a "### <AlarmId>" section saying what to do').toEqual([]);
  });
});

describe('links', () => {
  it('resolves every relative link in the README and docs/', () => {
    // Arrange
    const pages = ['README.md', ...filesUnder('docs', '.md')];

    // Act
    const broken = pages.flatMap((page) =>
      [...read(page).matchAll(/\]\(([^)\s]+)\)/g)]
        .map(([, target]) => (target as string).split('#')[0] as string)
        .filter((target) => target !== '' && !/^[a-z]+:/.test(target))
        .filter((target) => !existsSync(join(ROOT, dirname(page), target)))
        .map((target) => `${page} → ${relative(ROOT, join(ROOT, dirname(page), target))}`),
    );

    // Assert
    expect(broken).toEqual([]);
  });

  it('links every page in docs/ from the README', () => {
    const readme = read('README.md');
    const unlinked = filesUnder('docs', '.md').filter((page) => !readme.includes(`](${page})`));
    expect(unlinked).toEqual([]);
  });
});
