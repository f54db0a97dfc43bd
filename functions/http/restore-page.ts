/** GET /restore?token=…: the restore link's page. It shows the state and one button, and changes nothing. */

import { inspectRestoreLink } from '../accounts/restore-link.ts';
import { restoreLinkDeps, restoreSite } from './deps.ts';
import { restoreFlowPage } from './html.ts';
import { pageHandler } from './middleware.ts';
import { linkReader } from './restore-reader.ts';

const tokenOf = (event: { queryStringParameters?: Record<string, string | undefined> }) =>
  event.queryStringParameters?.token;

export const handler = pageHandler(
  restoreSite,
  (event) => linkReader(event, tokenOf(event)),
  async (event, reader) => {
    const token = tokenOf(event);
    const { purgeAfter } = await inspectRestoreLink(restoreLinkDeps, token);
    return restoreFlowPage(200, 'restore', reader, restoreSite, { purgeAfter, token: token ?? '' });
  },
);
