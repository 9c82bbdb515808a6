import type { OrganisationView, UpdateOrganisationRequest } from '../../contracts/accounts.js';
import { type Actor, diffForAudit, recordAudit } from '../audit/audit.service.js';
import type { AppContext } from '../context.js';
import type { Database } from '../db/database.js';
import { AppError } from '../errors.js';
import { ensureOrganisationRow, findOrganisation, type OrganisationRow, updateOrganisationRow } from './organisation.repository.js';

const toView = (row: OrganisationRow): OrganisationView => ({
  name: row.name,
  defaultLocale: row.default_locale === 'en' ? 'en' : 'ja',
  timeZone: row.time_zone,
  updatedAt: row.updated_at,
});

export async function ensureOrganisation(ctx: AppContext): Promise<void> {
  await ensureOrganisationRow(ctx.db, {
    name: 'Tayori',
    default_locale: 'ja',
    time_zone: 'Asia/Tokyo',
    updated_at: ctx.clock.now().toISOString(),
  });
}

export async function getOrganisation(db: Database): Promise<OrganisationView> {
  const row = await findOrganisation(db);
  // Every start creates it (prepareInstallation); a database only migrated has none yet.
  if (!row) throw new AppError('error.installation_incomplete', 500);
  return toView(row);
}

export async function updateOrganisation(ctx: AppContext, actor: Actor, input: UpdateOrganisationRequest): Promise<OrganisationView> {
  return ctx.db.transaction().execute(async (trx) => {
    const before = await getOrganisation(trx);
    const { updatedAt: _updatedAt, ...beforeFields } = before;
    const given = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
    const after = { ...beforeFields, ...given };
    const changes = diffForAudit(beforeFields, after);
    // Saving the same values again changes nothing and is not audited.
    if (Object.keys(changes).length === 0) return before;
    await updateOrganisationRow(trx, {
      name: after.name,
      default_locale: after.defaultLocale,
      time_zone: after.timeZone,
      updated_at: ctx.clock.now().toISOString(),
    });
    await recordAudit(trx, ctx.clock, actor, 'organisation.update', 'organisation', { changes });
    return getOrganisation(trx);
  });
}
