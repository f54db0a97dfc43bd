/** Request bodies. Strict objects: an unknown field is a 400, so no state is ever taken from a body. */
import { z } from 'zod';

export const deactivateBody = z
  .strictObject({ reason: z.string().max(500) })
  .partial()
  .optional();

export const legalHoldBody = z.strictObject({ reason: z.string().trim().min(1).max(500) });
