/** The restore flow's pages, one per kind, in every language Lethe speaks, from the notices' source. */
import { describe, expect, it } from 'vitest';
import { MESSAGES, PAGE_KINDS, PAGES } from '../../../functions/core/messages.ts';
import { readerOf } from '../../../functions/core/reader.ts';
import { restoreFlowPage } from '../../../functions/http/html.ts';
import { config } from '../../../lethe.config.ts';

/** Four of the demo's stores, so the list the page shows is fixed here. */
const site = {
  productName: 'Lethe Demo',
  stores: config.dataMap.stores.filter((s) =>
    ['profiles', 'content', 'sessions', 'uploads'].includes(s.name),
  ),
};
const purgeAfter = '2026-11-30T18:54:00.000Z';

/** What each language's pages must say: the titles, and the restore page's date in Berlin (19:54 CET). */
const EXPECTED = {
  'en-GB': {
    restore: 'Restore your account',
    restored: 'Your account is restored',
    used: 'This link no longer works',
    superseded: 'This link no longer works',
    purged: 'This account can no longer be restored',
    expired: 'This link no longer works',
    invalid: 'This link does not work',
    error: 'Something went wrong',
    date: '30 November 2026 at 19:54 CET',
    button: 'Restore my account',
    labels: 'your profile, your posts, your sign-in sessions and the files you uploaded',
  },
  'de-DE': {
    restore: 'Konto wiederherstellen',
    restored: 'Ihr Konto ist wiederhergestellt',
    used: 'Dieser Link funktioniert nicht mehr',
    superseded: 'Dieser Link funktioniert nicht mehr',
    purged: 'Dieses Konto kann nicht mehr wiederhergestellt werden',
    expired: 'Dieser Link funktioniert nicht mehr',
    invalid: 'Dieser Link funktioniert nicht',
    error: 'Etwas ist schiefgelaufen',
    date: '30. November 2026 um 19:54 MEZ',
    button: 'Mein Konto wiederherstellen',
    labels: 'Ihr Profil, Ihre Beiträge, Ihre Anmeldesitzungen und Ihre hochgeladenen Dateien',
  },
} as const;

describe('the restore flow pages', () => {
  it('exist for every language the notices speak', () => {
    // Arrange / Act / Assert
    expect(Object.keys(PAGES).sort()).toEqual(Object.keys(MESSAGES).sort());
    expect(
      Object.keys(EXPECTED)
        .map((l) => l.slice(0, 2))
        .sort(),
    ).toEqual(Object.keys(MESSAGES).sort());
  });

  for (const locale of Object.keys(EXPECTED) as (keyof typeof EXPECTED)[]) {
    for (const kind of PAGE_KINDS) {
      it(`renders ${kind} in ${locale}`, () => {
        // Arrange
        const reader = readerOf(locale, 'Europe/Berlin');
        const expected = EXPECTED[locale];
        // Act
        const page = restoreFlowPage(200, kind, reader, site, { purgeAfter, token: 'v1.a.b' });
        const body = String(typeof page === 'object' && page.body);
        // Assert
        expect(body).toContain(`<html lang="${locale}">`);
        expect(body).toContain(`<h1>${expected[kind]}</h1>`);
        if (kind === 'restore') {
          expect(body).toContain(expected.date);
          expect(body).toContain(expected.labels);
          expect(body).toContain(`<button type="submit">${expected.button}</button>`);
        } else {
          expect(body).not.toContain('<button');
        }
      });
    }
  }

  it('says UTC when the reader has no time zone', () => {
    // Arrange
    const reader = readerOf('de-DE', undefined);
    // Act
    const page = restoreFlowPage(200, 'restore', reader, site, { purgeAfter, token: 't' });
    // Assert
    expect(String(typeof page === 'object' && page.body)).toContain('30. November 2026 um 18:54 UTC');
  });
});
