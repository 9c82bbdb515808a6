import type { z } from 'zod';
import type { createUserRequest, updateUserRequest, UserView } from '../../../../contracts/accounts';
import { organisationAnswerSchema, userAnswerSchema, userListSchema } from '../../../../contracts/answers';
import { apiRequest } from '../../../shared/api/client';

export async function listUsers(): Promise<UserView[]> {
  return (await apiRequest('GET', '/api/users', { schema: userListSchema })).users;
}

/** What a new user starts with: the organisation's default language and time zone. */
export async function newUserDefaults(): Promise<{ locale: 'ja' | 'en'; timeZone: string }> {
  const { defaultLocale, timeZone } = (await apiRequest('GET', '/api/organisation', { schema: organisationAnswerSchema })).organisation;
  return { locale: defaultLocale, timeZone };
}

export async function createUser(body: z.input<typeof createUserRequest>): Promise<UserView> {
  return (await apiRequest('POST', '/api/users', { body, schema: userAnswerSchema })).user;
}

export async function updateUser(id: string, body: z.input<typeof updateUserRequest>): Promise<UserView> {
  return (await apiRequest('PUT', `/api/users/${encodeURIComponent(id)}`, { body, schema: userAnswerSchema })).user;
}

/** Sets a user's password; their sessions end. */
export async function setUserPassword(id: string, password: string): Promise<void> {
  await apiRequest('PUT', `/api/users/${encodeURIComponent(id)}/password`, { body: { password } });
}
