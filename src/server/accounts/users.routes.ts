import type { FastifyInstance } from 'fastify';
import {
  changeOwnPasswordRequest,
  createUserRequest,
  setPasswordRequest,
  updateMeRequest,
  updateUserRequest,
} from '../../contracts/accounts.js';
import { userAnswerSchema, userListSchema } from '../../contracts/answers.js';
import { idParamsSchema } from '../../contracts/parameters.js';
import type { AppContext } from '../context.js';
import { parseOrThrow } from '../errors.js';
import { actorOf, currentSession } from '../http/auth.js';
import { changeOwnPassword, createUser, getUserView, listUserViews, setUserPassword, toUserView, updateMe, updateUser } from './users.service.js';

export function userRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/api/users', { config: { access: 'admin' } }, async () => userListSchema.parse({ users: await listUserViews(ctx) }));

  app.post('/api/users', { config: { access: 'admin' } }, async (request, reply) => {
    const user = await createUser(ctx, actorOf(request), parseOrThrow(createUserRequest, request.body));
    return reply.code(201).send(userAnswerSchema.parse({ user }));
  });

  app.get('/api/users/:id', { config: { access: 'admin' } }, async (request) =>
    userAnswerSchema.parse({ user: await getUserView(ctx, parseOrThrow(idParamsSchema, request.params).id) }),
  );

  app.put('/api/users/:id', { config: { access: 'admin' } }, async (request) => {
    const { id } = parseOrThrow(idParamsSchema, request.params);
    return userAnswerSchema.parse({ user: await updateUser(ctx, actorOf(request), id, parseOrThrow(updateUserRequest, request.body)) });
  });

  app.put('/api/users/:id/password', { config: { access: 'admin' } }, async (request, reply) => {
    const { id } = parseOrThrow(idParamsSchema, request.params);
    await setUserPassword(ctx, actorOf(request), id, parseOrThrow(setPasswordRequest, request.body).password);
    return reply.code(204).send();
  });

  app.get('/api/me', { config: { access: 'user' } }, async (request) => userAnswerSchema.parse({ user: toUserView(currentSession(request).user) }));

  app.put('/api/me', { config: { access: 'user' } }, async (request) => {
    return userAnswerSchema.parse({ user: await updateMe(ctx, actorOf(request), currentSession(request), parseOrThrow(updateMeRequest, request.body)) });
  });

  app.put('/api/me/password', { config: { access: 'user' } }, async (request, reply) => {
    const session = currentSession(request);
    const input = parseOrThrow(changeOwnPasswordRequest, request.body);
    await changeOwnPassword(ctx, actorOf(request), session.user.id, session.id, input);
    return reply.code(204).send();
  });
}
