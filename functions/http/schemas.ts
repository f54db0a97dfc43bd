/**
 * Request bodies. Strict objects: an unknown field is a 400, so no state is
 * ever taken from a body. zod/mini keeps the schemas tree-shakeable: the
 * classic `z` object would put all of zod in every bundle (≈ 440 KB).
 */
import * as z from 'zod/mini';

export const deactivateBody = z.optional(
  z.strictObject({ reason: z.optional(z.string().check(z.maxLength(500))) }),
);

export const legalHoldBody = z.strictObject({
  reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(500)),
});
