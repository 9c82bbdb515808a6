import { auditPageSchema } from '../../../../contracts/audit';
import { apiRequest } from '../../../shared/api/client';

export const PAGE_SIZE = 50;

/** One page of the audit trail, newest first; `action` shows one action only. */
export function loadAuditEntries(action: string, cursor: string | undefined) {
  return apiRequest('GET', '/api/audit', { schema: auditPageSchema, query: { action: action || undefined, cursor, limit: PAGE_SIZE } });
}
