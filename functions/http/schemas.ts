/**
 * Request bodies. Strict objects: an unknown field is a 400, so no state is
 * ever taken from a body. Each body is a few text fields, checked here by
 * hand: a schema library cost ≈ 15 KB of every function that takes a body,
 * for two fields. The wording is the caller's (openapi.yaml's 400s).
 */

/** One text field of a body. */
export interface TextField {
  readonly optional?: boolean;
  /** Trimmed before the length checks, and passed on trimmed. */
  readonly trim?: boolean;
  readonly minLength?: number;
  readonly maxLength: number;
}

type Fields = Readonly<Record<string, TextField>>;

/** The body a schema passes on: each field a string, or absent when optional. */
export type BodyOf<F extends Fields> = {
  readonly [K in keyof F as F[K]['optional'] extends true ? never : K]: string;
} & {
  readonly [K in keyof F as F[K]['optional'] extends true ? K : never]?: string;
};

export type BodyCheck<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problems: string[] };

export interface BodySchema<T> {
  /** Whether a request may come without a body. */
  readonly optional: boolean;
  /** The checked body, or every problem with it in the caller's words (fields first, then unknown ones). */
  check(body: Readonly<Record<string, unknown>>): BodyCheck<T>;
}

const problemWith = (name: string, field: TextField, value: unknown): string | undefined => {
  if (typeof value !== 'string') return `${name} must be a string`;
  const text = field.trim ? value.trim() : value;
  // Characters, not UTF-16 units: an emoji counts once.
  const length = [...text].length;
  const min = field.minLength ?? 0;
  if (length < min)
    return min <= 1 ? `${name} must not be empty` : `${name} must be at least ${min} characters`;
  if (length > field.maxLength) return `${name} must be at most ${field.maxLength} characters`;
  return undefined;
};

export const bodySchema = <const F extends Fields>(
  fields: F,
  { optional = false } = {},
): BodySchema<BodyOf<F>> => ({
  optional,
  check(body) {
    const problems: string[] = [];
    const value: Record<string, string> = {};
    for (const [name, field] of Object.entries(fields)) {
      const given = Object.hasOwn(body, name) ? body[name] : undefined;
      if (given === undefined && field.optional) continue;
      const problem = problemWith(name, field, given);
      if (problem) problems.push(problem);
      else value[name] = field.trim ? (given as string).trim() : (given as string);
    }
    const unknown = Object.keys(body).filter((key) => !Object.hasOwn(fields, key));
    if (unknown.length > 0) problems.push(`unknown field(s): ${unknown.join(', ')}`);
    return problems.length > 0 ? { ok: false, problems } : { ok: true, value: value as BodyOf<F> };
  },
});

export const deactivateBody = bodySchema({ reason: { optional: true, maxLength: 500 } }, { optional: true });

export const legalHoldBody = bodySchema({ reason: { trim: true, minLength: 1, maxLength: 500 } });
