/** The JSON Schema of each event's detail (schemas/events/<DetailType>.json), compiled once with Ajv. */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { DETAIL_TYPES } from '../../functions/core/events.ts';

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);

const validators = new Map(
  DETAIL_TYPES.map((type) => [
    type,
    ajv.compile(
      JSON.parse(readFileSync(new URL(`../../schemas/events/${type}.json`, import.meta.url), 'utf8')),
    ),
  ]),
);

/** Undefined when the detail is valid for its type; otherwise what is wrong. */
export const detailErrors = (detailType: string, detail: unknown): string | undefined => {
  const validate = validators.get(detailType as (typeof DETAIL_TYPES)[number]);
  if (!validate) return `no schema for detail type ${detailType}`;
  return validate(detail) ? undefined : ajv.errorsText(validate.errors);
};

/** Anything that looks like an email address, anywhere in a text. */
export const EMAIL = /[^\s"@]+@[^\s"@]+\.[^\s"@]+/;
