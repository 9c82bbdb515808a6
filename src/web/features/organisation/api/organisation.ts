import { z } from 'zod';
import { organisationView, type OrganisationView, type UpdateOrganisationRequest } from '../../../../contracts/accounts';
import { apiRequest } from '../../../shared/api/client';

const organisationAnswer = z.object({ organisation: organisationView });

export async function loadOrganisation(): Promise<OrganisationView> {
  return (await apiRequest('GET', '/api/organisation', { schema: organisationAnswer })).organisation;
}

export async function saveOrganisation(body: UpdateOrganisationRequest): Promise<OrganisationView> {
  return (await apiRequest('PUT', '/api/organisation', { body, schema: organisationAnswer })).organisation;
}
