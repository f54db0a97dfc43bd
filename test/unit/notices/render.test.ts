import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NOTICE_KINDS, type TemplateKind } from '../../../functions/core/messages.ts';
import { readerOf } from '../../../functions/core/reader.ts';
import { type NoticeInput, renderNotice } from '../../../functions/notices/render.ts';
import { GENERATED_FILE, generatedSource } from '../../../functions/notices/templates/compile-layouts.ts';
import { config } from '../../../lethe.config.ts';

const branding = {
  productName: 'Lethe Demo',
  supportUrl: 'https://example.com/support',
  stores: config.dataMap.stores,
};
const restoreUrl = 'https://api.example.com/restore?token=abc.def';

const inputFor = (kind: TemplateKind, locale: string | undefined, timeZone?: string): NoticeInput => ({
  kind,
  ...(locale !== undefined && { locale }),
  ...(timeZone !== undefined && { timeZone }),
  name: 'Ada',
  deactivatedAt: '2026-11-24T10:00:00.000Z',
  purgeAfter: '2026-12-24T10:00:00.000Z',
  ...(kind === 'purged'
    ? {
        purgedAt: '2026-12-24T10:05:00.000Z',
        dataKinds: ['profiles', 'content', 'uploads'],
        backupsGoneBy: '2027-01-28T10:05:00.000Z',
      }
    : kind === 'resumed'
      ? { resumeAt: '2027-02-01T09:15:00.000Z' }
      : { restoreUrl }),
});

/** What each language must show, for the dates above in Europe/Berlin. */
const EXPECTED = {
  'en-GB': {
    purgeDate: '24 December 2026',
    backups: '28 January 2027',
    subject: {
      deactivated: 'Your Lethe Demo account will be deleted on 24 December 2026',
      reminder: 'Reminder: your Lethe Demo account will be deleted on 24 December 2026',
      purged: 'Your Lethe Demo account has been deleted',
      resumed: 'Your Lethe Demo account will now be deleted',
    },
    resumeAt: '1 February 2027 at 10:15 CET',
    lists: 'your profile, your posts and the files you uploaded',
  },
  'de-DE': {
    purgeDate: '24. Dezember 2026',
    backups: '28. Januar 2027',
    subject: {
      deactivated: 'Ihr Lethe Demo-Konto wird am 24. Dezember 2026 gelöscht',
      reminder: 'Erinnerung: Ihr Lethe Demo-Konto wird am 24. Dezember 2026 gelöscht',
      purged: 'Ihr Lethe Demo-Konto wurde gelöscht',
      resumed: 'Ihr Lethe Demo-Konto wird jetzt gelöscht',
    },
    resumeAt: '1. Februar 2027 um 10:15 MEZ',
    lists: 'Ihr Profil, Ihre Beiträge und Ihre hochgeladenen Dateien',
  },
} as const;

describe('renderNotice', () => {
  for (const locale of Object.keys(EXPECTED) as (keyof typeof EXPECTED)[]) {
    for (const kind of NOTICE_KINDS) {
      it(`renders ${kind} in ${locale} with its dates, link and a text part`, () => {
        // Arrange
        const expected = EXPECTED[locale];
        // Act
        const notice = renderNotice(inputFor(kind, locale, 'Europe/Berlin'), branding);
        // Assert
        expect(notice.language).toBe(locale.slice(0, 2));
        expect(notice.subject).toBe(expected.subject[kind]);
        expect(notice.html).toContain(`lang="${locale}"`);
        expect(notice.html).not.toMatch(/\{\{\w+\}\}/);
        expect(notice.text.length).toBeGreaterThan(100);
        if (kind === 'purged') {
          // 10:05 UTC is 11:05 in Berlin in winter.
          expect(notice.text).toContain('11:05');
          expect(notice.text).toContain(expected.lists);
          expect(notice.text).toContain(expected.backups);
          expect(notice.html).not.toContain('restore?token');
          expect(notice.text).not.toContain('restore?token');
        } else if (kind === 'resumed') {
          // Held past its date: when it was due, and by when it now runs; no restore link.
          expect(notice.text).toContain(expected.purgeDate);
          expect(notice.text).toContain(expected.resumeAt);
          expect(notice.text).not.toContain('restore?token');
        } else {
          expect(notice.text).toContain(expected.purgeDate);
          expect(notice.text).toContain('11:00');
          expect(notice.text).toContain(restoreUrl);
          expect(notice.html).toContain(`href="${restoreUrl}"`);
        }
        expect(notice.text).toContain(branding.supportUrl);
        expect(notice.html).toContain(`<a href="${branding.supportUrl}"`);
      });
    }
  }

  for (const [locale, subject, paused] of [
    ['en-GB', 'Your Lethe Demo account is deactivated', 'its deletion is paused while that applies'],
    ['de-DE', 'Ihr Lethe Demo-Konto ist deaktiviert', 'solange sie besteht, ist die Löschung ausgesetzt'],
    // A language it does not speak reads the English one
    ['fr-FR', 'Your Lethe Demo account is deactivated', 'its deletion is paused while that applies'],
  ] as const) {
    it(`states no deletion date in the deactivated notice to an account under a legal hold (${locale})`, () => {
      // Act
      const notice = renderNotice(
        { ...inputFor('deactivated', locale, 'Europe/Berlin'), held: true },
        branding,
      );
      // Assert: deactivated and paused, the link and until when it works; never "will be deleted on"
      expect(notice.subject).toBe(subject);
      expect(notice.text).toContain(paused);
      expect(notice.text).toContain(restoreUrl);
      for (const part of [notice.subject, notice.text, notice.html]) {
        expect(part).not.toMatch(
          /will be (permanently )?deleted|wird (es )?am \d|endgültig gelöscht|dann gelöscht/,
        );
      }
    });
  }

  it('falls back to English for a language it does not speak, and to UTC for an unknown zone', () => {
    // Arrange
    const input = inputFor('deactivated', 'fr-FR', 'Mars/Olympus');
    // Act
    const notice = renderNotice(input, branding);
    // Assert
    expect(notice.language).toBe('en');
    expect(notice.subject).toBe('Your Lethe Demo account will be deleted on 24 December 2026');
    expect(notice.text).toContain('10:00 UTC');
  });

  it('names a store the data map no longer has by its name', () => {
    // Arrange
    const input = { ...inputFor('purged', 'de-DE'), dataKinds: ['profiles', 'old-store'] };
    // Act
    const notice = renderNotice(input, branding);
    // Assert
    expect(notice.text).toContain('Ihr Profil und old-store');
  });

  it('reads English with no locale at all', () => {
    // Arrange / Act
    const reader = readerOf(undefined, undefined);
    // Assert
    expect(reader).toEqual({ language: 'en', locale: 'en-GB', timeZone: 'UTC' });
  });

  it('uses the time zone for the date itself, not only the time', () => {
    // Arrange: 23:30 UTC on the 23rd is already the 24th in Berlin.
    const input = {
      ...inputFor('reminder', 'de-DE', 'Europe/Berlin'),
      purgeAfter: '2026-12-23T23:30:00.000Z',
    };
    // Act
    const notice = renderNotice(input, branding);
    // Assert
    expect(notice.subject).toContain('24. Dezember 2026');
  });

  it('escapes what comes from the profile', () => {
    // Arrange
    const input = { ...inputFor('deactivated', 'en-GB'), name: '<script>alert(1)</script>' };
    // Act
    const notice = renderNotice(input, branding);
    // Assert
    expect(notice.html).not.toContain('<script>alert');
    expect(notice.html).toContain('&lt;script&gt;');
  });

  it('refuses a deactivated or reminder notice without the restore link', () => {
    // Arrange
    const { restoreUrl: _, ...input } = inputFor('reminder', 'en-GB');
    // Act / Assert
    expect(() => renderNotice(input, branding)).toThrow(/restore link/);
  });
});

describe('compiled layouts', () => {
  it('match layout.mjml (run `npm run templates` after editing it)', async () => {
    // Arrange / Act
    const fresh = await generatedSource();
    // Assert
    expect(readFileSync(GENERATED_FILE, 'utf8')).toBe(fresh);
  });
});
