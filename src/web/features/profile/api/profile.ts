import { z } from 'zod';
import { type UpdateMeRequest, userView } from '../../../../contracts/accounts';
import { apiRequest } from '../../../shared/api/client';

const userAnswer = z.object({ user: userView });

export async function updateOwnProfile(body: UpdateMeRequest) {
  return (await apiRequest('PUT', '/api/me', { body, schema: userAnswer })).user;
}

export async function changeOwnPassword(body: { currentPassword: string; newPassword: string }) {
  await apiRequest('PUT', '/api/me/password', { body });
}
