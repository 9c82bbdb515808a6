import { type DeliveryState, deliveryPageSchema, type MailKind } from '../../../../contracts/mail';
import { apiRequest } from '../../../shared/api/client';

export const PAGE_SIZE = 50;

export interface DeliveryFilter {
  state?: DeliveryState;
  kind?: MailKind;
}

/** One page of the delivery log, newest first. */
export function loadDeliveries(filter: DeliveryFilter, cursor: string | undefined) {
  return apiRequest('GET', '/api/mail/deliveries', { schema: deliveryPageSchema, query: { ...filter, cursor, limit: PAGE_SIZE } });
}
