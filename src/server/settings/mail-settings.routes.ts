import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { actorOf } from '../http/auth.js';
import { applyMailSettings, checkMailSettingsBody, getMailSettingsView } from './mail-settings.service.js';

export function mailSettingsRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/api/settings/mail', { config: { access: 'admin' } }, () => getMailSettingsView(ctx));

  app.put('/api/settings/mail', { config: { access: 'admin' } }, (request) => applyMailSettings(ctx, actorOf(request), request.body));

  app.post('/api/settings/mail/check', { config: { access: 'admin' } }, async (request, reply) => {
    await checkMailSettingsBody(ctx, request.body);
    return reply.code(204).send();
  });
}
