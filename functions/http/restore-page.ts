/** GET /restore?token=…: the restore link's page. It shows the state and one button, and changes nothing. */

import { inspectRestoreLink } from '../accounts/restore-link.ts';
import { config } from '../commons/config.ts';
import { restoreLinkDeps } from './deps.ts';
import { htmlResponse, pageDate } from './html.ts';
import { pageHandler } from './middleware.ts';

export const handler = pageHandler(config.productName, async (event) => {
  const token = event.queryStringParameters?.token;
  const { purgeAfter } = await inspectRestoreLink(restoreLinkDeps, token);
  return htmlResponse(
    200,
    {
      title: 'Restore your account',
      paragraphs: [
        `Your ${config.productName} account is deactivated. It will be permanently deleted on ${pageDate(purgeAfter)}.`,
        'Restore it now to keep it and all its data, exactly as it was.',
      ],
      form: { token: token ?? '', label: 'Restore my account' },
    },
    config.productName,
  );
});
