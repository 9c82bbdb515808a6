import { type DevMail, devMailboxListSchema, devMailSchema } from '../../../../contracts/dev-mailbox';
import { apiRequest } from '../../../shared/api/client';

export function listDevMail() {
  return apiRequest('GET', '/api/dev-mailbox', { schema: devMailboxListSchema });
}

export function readDevMail(id: string): Promise<DevMail> {
  return apiRequest('GET', `/api/dev-mailbox/${encodeURIComponent(id)}`, { schema: devMailSchema });
}

export async function clearDevMailbox(): Promise<void> {
  await apiRequest('DELETE', '/api/dev-mailbox');
}
