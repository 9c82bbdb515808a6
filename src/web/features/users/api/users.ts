import { z } from 'zod';
import { type createUserRequest, type updateUserRequest, userView, type UserView } from '../../../../contracts/accounts';
import { apiRequest } from '../../../shared/api/client';

const userAnswer = z.object({ user: userView });

export async function listUsers(): Promise<UserView[]> {
  return (await apiRequest('GET', '/api/users', { schema: z.object({ users: z.array(userView) }) })).users;
}

export async function createUser(body: z.input<typeof createUserRequest>): Promise<UserView> {
  return (await apiRequest('POST', '/api/users', { body, schema: userAnswer })).user;
}

export async function updateUser(id: string, body: z.input<typeof updateUserRequest>): Promise<UserView> {
  return (await apiRequest('PUT', `/api/users/${encodeURIComponent(id)}`, { body, schema: userAnswer })).user;
}

/** Sets a user's password; their sessions end. */
export async function setUserPassword(id: string, password: string): Promise<void> {
  await apiRequest('PUT', `/api/users/${encodeURIComponent(id)}/password`, { body: { password } });
}
