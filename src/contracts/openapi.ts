import { z } from 'zod';

/** GET /api/openapi.json: an OpenAPI 3.1 document of this API (its own parts are checked by the OpenAPI schema, not here). */
export const openApiDocumentSchema = z.looseObject({
  openapi: z.literal('3.1.0'),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
});
export type OpenApiDocument = z.infer<typeof openApiDocumentSchema>;
