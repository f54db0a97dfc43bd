/**
 * Whose words the restore flow's pages use: the profile's locale and time zone
 * when the link is genuine (expired or used links too) and its profile is still
 * there; otherwise the browser's `Accept-Language`; otherwise English.
 */
import { profileOfLink } from '../accounts/restore-link.ts';
import { type Reader, readerOf } from '../core/reader.ts';
import { restoreLinkDeps } from './deps.ts';
import { browserReaderOf, type Event } from './middleware.ts';

export const linkReader = async (event: Event, token: string | undefined): Promise<Reader> => {
  const profile = await profileOfLink(restoreLinkDeps, token);
  const browser = browserReaderOf(event);
  return profile ? readerOf(profile.locale ?? browser.locale, profile.timeZone) : browser;
};
