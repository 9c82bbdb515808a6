import { z } from 'zod';

/** One problem of a refused request (422): the field's path in the body, a catalog code, the message in the caller's language. */
export const fieldProblemViewSchema = z.object({
  path: z.string(),
  code: z.string(),
  message: z.string(),
});
export type FieldProblemView = z.infer<typeof fieldProblemViewSchema>;

/** Every error the API answers, whatever the status: `{"error":{"code","message","fields"}}`; `fields` only on a 422. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.array(fieldProblemViewSchema).optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
