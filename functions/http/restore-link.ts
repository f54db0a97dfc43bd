/** POST /restore: the restore page's button. Restores the link's deactivation and shows the result. */

import { restoreByLink } from '../accounts/restore-link.ts';
import { restoreLinkDeps, restoreSite } from './deps.ts';
import { restoreFlowPage } from './html.ts';
import { formField, pageHandler } from './middleware.ts';
import { linkReader } from './restore-reader.ts';

export const handler = pageHandler(
  restoreSite,
  (event) => linkReader(event, formField(event, 'token')),
  async (event, reader) => {
    await restoreByLink(restoreLinkDeps, formField(event, 'token'));
    return restoreFlowPage(200, 'restored', reader, restoreSite);
  },
);
