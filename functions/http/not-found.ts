/** The catch-all route: unknown paths are a JSON 404, known paths with another method a 405. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { errorResponse } from './middleware.ts';
import { matchRoute } from './routes.ts';

export const handler = async (event: APIGatewayProxyEventV2) => {
  const match = matchRoute(event.requestContext.http.method, event.rawPath);
  if (match.kind === 'method_not_allowed') {
    return errorResponse('method_not_allowed', 'This method is not allowed on this path.', {
      allow: match.allow.join(', '),
    });
  }
  return errorResponse('not_found', 'No such route.');
};
