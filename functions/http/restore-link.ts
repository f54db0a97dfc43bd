/** POST /restore: the restore page's button. Restores the link's deactivation and shows the result. */

import { restoreByLink } from '../accounts/restore-link.ts';
import { config } from '../commons/config.ts';
import { restoreLinkDeps } from './deps.ts';
import { htmlResponse } from './html.ts';
import { formField, pageHandler } from './middleware.ts';

export const handler = pageHandler(config.productName, async (event) => {
  const view = await restoreByLink(restoreLinkDeps, formField(event, 'token'));
  return htmlResponse(
    200,
    {
      title: 'Your account is restored',
      paragraphs: [
        `Your ${config.productName} account is ${view.status === 'ACTIVE' ? 'active' : view.status} again, with all its data. It will not be deleted.`,
        'You can sign in as before.',
      ],
    },
    config.productName,
  );
});
