import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { currentSession } from '../http/auth.js';
import { mailCheckOutcomeSchema } from '../../contracts/mail-checks.js';
import { type CheckOperator, sendTestMail, testConnection } from './checks.service.js';

/** [接続テスト] and [テストメール送信]: a failing server is a 200 with `ok: false`, bad input a 422. */
export function mailCheckRoutes(app: FastifyInstance, ctx: AppContext) {
  app.post('/api/settings/mail/test-connection', { config: { access: 'admin' } }, async (request) =>
    mailCheckOutcomeSchema.parse(await testConnection(ctx, operatorOf(request), request.body)),
  );

  app.post('/api/settings/mail/test-mail', { config: { access: 'admin' } }, async (request) =>
    mailCheckOutcomeSchema.parse(await sendTestMail(ctx, operatorOf(request), request.body)),
  );
}

function operatorOf(request: FastifyRequest): CheckOperator {
  const { user } = currentSession(request);
  return { login: user.login_id, email: user.email, locale: user.locale, timeZone: user.time_zone };
}
