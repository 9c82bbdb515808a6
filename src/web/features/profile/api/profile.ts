import type { z } from 'zod';
import type { changeOwnPasswordRequest, UpdateMeRequest } from '../../../../contracts/accounts';
import { userAnswerSchema } from '../../../../contracts/answers';
import { apiRequest } from '../../../shared/api/client';

export async function updateOwnProfile(body: UpdateMeRequest) {
  return (await apiRequest('PUT', '/api/me', { body, schema: userAnswerSchema })).user;
}

export async function changeOwnPassword(body: z.input<typeof changeOwnPasswordRequest>) {
  await apiRequest('PUT', '/api/me/password', { body });
}
