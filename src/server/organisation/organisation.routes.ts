import type { FastifyInstance } from 'fastify';
import { updateOrganisationRequest } from '../../contracts/accounts.js';
import { organisationAnswerSchema } from '../../contracts/answers.js';
import type { AppContext } from '../context.js';
import { parseOrThrow } from '../errors.js';
import { actorOf } from '../http/auth.js';
import { getOrganisation, updateOrganisation } from './organisation.service.js';

export function organisationRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/api/organisation', { config: { access: 'admin' } }, async () => organisationAnswerSchema.parse({ organisation: await getOrganisation(ctx.db) }));

  app.put('/api/organisation', { config: { access: 'admin' } }, async (request) =>
    organisationAnswerSchema.parse({
      organisation: await updateOrganisation(ctx, actorOf(request), parseOrThrow(updateOrganisationRequest, request.body)),
    }),
  );
}
