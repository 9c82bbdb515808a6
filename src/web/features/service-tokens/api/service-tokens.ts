import { createdServiceTokenAnswerSchema, serviceTokenAnswerSchema, serviceTokenListSchema } from '../../../../contracts/answers';
import type { ServiceTokenView } from '../../../../contracts/mail';
import { apiRequest } from '../../../shared/api/client';

export async function listServiceTokens(): Promise<ServiceTokenView[]> {
  return (await apiRequest('GET', '/api/mail/tokens', { schema: serviceTokenListSchema })).tokens;
}

/** The answer holds the token itself: the only time it is ever shown. */
export async function createServiceToken(name: string) {
  return (await apiRequest('POST', '/api/mail/tokens', { body: { name }, schema: createdServiceTokenAnswerSchema })).token;
}

export async function revokeServiceToken(id: string): Promise<ServiceTokenView> {
  return (await apiRequest('DELETE', `/api/mail/tokens/${encodeURIComponent(id)}`, { schema: serviceTokenAnswerSchema })).token;
}
