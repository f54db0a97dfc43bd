/**
 * Holds responses to openapi.yaml: the operation exists, the status is
 * documented for it, and the body validates against the documented schema.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

interface Operation {
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }>;
}
export interface OpenApi {
  paths: Record<string, Record<string, Operation | unknown>>;
  components: { responses: Record<string, { content: Record<string, { schema: unknown }> }> } & Record<
    string,
    unknown
  >;
}

export const openapi = parse(readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8')) as OpenApi;

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema({ ...openapi, $id: 'openapi' } as object);

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** Every `METHOD /path` the spec documents. */
export const documentedOperations = (): string[] =>
  Object.entries(openapi.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => HTTP_METHODS.includes(key))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );

const pointer = (ref: string) => `openapi${ref}`;

/** Returns a list of problems; empty when the response matches the contract. */
export const contractProblems = (
  method: string,
  pathTemplate: string | undefined,
  status: number,
  body: unknown,
  mediaType = 'application/json',
): string[] => {
  // An unknown route answers Lethe's 404/405, unless the stage throttled it first (API Gateway's body).
  let schemaRef =
    status === 429 ? '#/components/schemas/GatewayTooManyRequests' : '#/components/schemas/Error';
  if (pathTemplate !== undefined) {
    const operation = openapi.paths[pathTemplate]?.[method.toLowerCase()] as Operation | undefined;
    if (!operation) return [`${method} ${pathTemplate} is not in openapi.yaml`];
    const response = operation.responses[String(status)];
    if (!response)
      return [`${method} ${pathTemplate} answered ${status}, which openapi.yaml does not document`];
    const responseRef = response.$ref?.replace('#/components/responses/', '');
    const content = responseRef ? openapi.components.responses[responseRef]?.content : response.content;
    if (content && !(mediaType in content))
      return [
        `${method} ${pathTemplate} answered ${status} as ${mediaType}, which openapi.yaml does not document`,
      ];
    // Only JSON bodies are validated against a schema; an HTML page is held to its media type.
    if (mediaType !== 'application/json') return [];
    const schema = content?.['application/json']?.schema as { $ref?: string } | undefined;
    if (!schema) return [];
    if (!schema.$ref) {
      const validate = ajv.compile(schema);
      return validate(body) ? [] : [ajv.errorsText(validate.errors)];
    }
    schemaRef = schema.$ref;
  }
  const validate = ajv.getSchema(pointer(schemaRef));
  if (!validate) return [`no schema at ${schemaRef}`];
  return validate(body)
    ? []
    : [`${status} body does not match ${schemaRef}: ${ajv.errorsText(validate.errors)}`];
};
