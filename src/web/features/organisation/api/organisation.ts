import type { OrganisationView, UpdateOrganisationRequest } from '../../../../contracts/accounts';
import { organisationAnswerSchema } from '../../../../contracts/answers';
import { apiRequest } from '../../../shared/api/client';

export async function loadOrganisation(): Promise<OrganisationView> {
  return (await apiRequest('GET', '/api/organisation', { schema: organisationAnswerSchema })).organisation;
}

export async function saveOrganisation(body: UpdateOrganisationRequest): Promise<OrganisationView> {
  return (await apiRequest('PUT', '/api/organisation', { body, schema: organisationAnswerSchema })).organisation;
}
