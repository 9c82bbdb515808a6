import type { FastifyInstance } from 'fastify';
import { lockoutPolicyForm, lockoutPolicyView, suspensionList } from '../../contracts/lockout.js';
import { suspensionParamsSchema } from '../../contracts/parameters.js';
import type { AppContext } from '../context.js';
import { parseOrThrow } from '../errors.js';
import { actorOf } from '../http/auth.js';
import { getLockoutPolicy, liftSuspension, listSuspensions, saveLockoutPolicy } from './lockout.service.js';

/** アカウント停止: the policy form and the suspended accounts, for administrators. */
export function lockoutRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/api/settings/lockout', { config: { access: 'admin' } }, async () => lockoutPolicyView.parse(await getLockoutPolicy(ctx.db)));

  app.put('/api/settings/lockout', { config: { access: 'admin' } }, async (request) => {
    const form = parseOrThrow(lockoutPolicyForm, request.body);
    return lockoutPolicyView.parse(await saveLockoutPolicy(ctx, actorOf(request), form));
  });

  app.get('/api/suspensions', { config: { access: 'admin' } }, async () => suspensionList.parse(await listSuspensions(ctx)));

  app.delete('/api/suspensions/:userId', { config: { access: 'admin' } }, async (request, reply) => {
    await liftSuspension(ctx, actorOf(request), parseOrThrow(suspensionParamsSchema, request.params).userId);
    return reply.code(204).send();
  });
}
