import { describe, expect, it } from 'vitest';
import { readerOfAcceptLanguage } from '../../../functions/core/reader.ts';

describe('readerOfAcceptLanguage', () => {
  it.each([
    ['de-DE,de;q=0.9,en;q=0.8', 'de', 'de-DE'],
    ['fr-FR, de-CH;q=0.7, en;q=0.5', 'de', 'de-CH'],
    ['en;q=0.4, de;q=0.9', 'de', 'de'],
    ['fr, it', 'en', 'en-GB'],
    ['de;q=0, en', 'en', 'en'],
    ['*', 'en', 'en-GB'],
    ['', 'en', 'en-GB'],
    ['<script>', 'en', 'en-GB'],
  ])('reads %j as %s (%s)', (header, language, locale) => {
    // Arrange / Act
    const reader = readerOfAcceptLanguage(header);
    // Assert
    expect(reader).toEqual({ language, locale, timeZone: 'UTC' });
  });

  it('reads English when there is no header', () => {
    // Arrange / Act / Assert
    expect(readerOfAcceptLanguage(undefined).language).toBe('en');
  });
});
