import { describe, expect, it } from 'vitest';
import { MESSAGES } from '../../../functions/core/messages.ts';
import { readerOf } from '../../../functions/core/reader.ts';
import { config } from '../../../lethe.config.ts';
import { LOCALES } from '../../../local/seed.ts';

/**
 * The languages the demo writes in: every language Lethe has notices and pages for, and every language the
 * demo's profiles are read in (a French profile reads English, the fallback).
 */
const languages = [
  ...new Set([
    ...Object.keys(MESSAGES),
    ...LOCALES.map((person) => readerOf(person.locale, person.timeZone).language),
  ]),
].sort();

/** "store X has no de label" for each label the demo map lacks. */
const missing = (things: readonly { name: string; labels?: Readonly<Record<string, string>> }[]) =>
  things.flatMap(({ name, labels }) =>
    languages
      .filter((language) => !labels?.[language]?.trim())
      .map((language) => `${name}: no ${language} label`),
  );

describe("the demo's words for people", () => {
  it('reads in English and German', () => {
    expect(languages).toEqual(['de', 'en']);
  });

  it('labels every store of the demo data map in every language the demo writes in (no raw store names)', () => {
    expect(missing(config.dataMap.stores)).toEqual([]);
  });

  it('labels every retention category of the demo data map in every language the demo writes in', () => {
    const categories = (config.dataMap.retention ?? []).map((rule) => ({
      name: rule.category,
      labels: rule.labels,
    }));
    expect(missing(categories)).toEqual([]);
  });
});
