/**
 * Who reads a notice or a restore page: their language (for the words), their
 * locale and time zone (for dates, by Intl). One source for the emails and the
 * pages, so both say the same date the same way.
 */
import { type StoreLabels, storeLabel } from './data-map.ts';
import { FALLBACK_LANGUAGE, isLanguage } from './messages.ts';

export interface Reader {
  /** A language Lethe has words for (`en`, `de`). */
  readonly language: string;
  /** BCP 47, for Intl. */
  readonly locale: string;
  /** IANA; UTC when unknown. */
  readonly timeZone: string;
}

const supported = (locale: string): boolean => {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([locale]).length > 0;
  } catch {
    return false;
  }
};

const knownTimeZone = (timeZone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
};

const languageOf = (locale: string) => locale.split(/[-_]/)[0]?.toLowerCase() ?? '';

/** The reader a locale is written for: missing or unsupported reads English; a missing or unknown zone is UTC. */
export const readerOf = (locale: string | undefined, timeZone: string | undefined): Reader => {
  const language = locale === undefined ? '' : languageOf(locale);
  const known = isLanguage(language) && locale !== undefined && supported(locale.replace('_', '-'));
  return {
    language: known ? language : FALLBACK_LANGUAGE,
    // British English reads "24 December 2026", the order most of the world writes.
    locale: known ? (locale?.replace('_', '-') ?? 'en-GB') : 'en-GB',
    timeZone: timeZone !== undefined && knownTimeZone(timeZone) ? timeZone : 'UTC',
  };
};

/**
 * The first language of an `Accept-Language` header Lethe has words for, by
 * preference (`de-CH;q=0.9, en;q=0.8`), in UTC: a browser says no time zone.
 */
export const readerOfAcceptLanguage = (header: string | undefined): Reader => {
  const ranked = (header ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter(
      ({ tag, q }) => tag !== '' && tag !== '*' && q > 0 && /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(tag),
    )
    .sort((a, b) => b.q - a.q || a.index - b.index);
  const first = ranked.find(({ tag }) => isLanguage(languageOf(tag)));
  return readerOf(first?.tag, undefined);
};

export const dateTime = (reader: Reader, iso: string) =>
  new Intl.DateTimeFormat(reader.locale, {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: reader.timeZone,
    timeZoneName: 'short',
  }).format(new Date(iso));

export const date = (reader: Reader, iso: string) =>
  new Intl.DateTimeFormat(reader.locale, { dateStyle: 'long', timeZone: reader.timeZone }).format(
    new Date(iso),
  );

/** The data map's stores named, in the reader's words, as a list: "your profile, … and the files you uploaded". */
export const dataKinds = (
  reader: Reader,
  names: readonly string[],
  stores: readonly { readonly name: string; readonly labels?: StoreLabels }[],
) =>
  new Intl.ListFormat(reader.locale, { type: 'conjunction' }).format(
    names.map((name) => storeLabel(stores.find((s) => s.name === name) ?? { name }, reader.language)),
  );
