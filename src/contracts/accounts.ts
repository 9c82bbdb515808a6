import { z } from 'zod';
import { optionalAddressSchema } from './address.js';
import { localeSchema, requiredText, singleLineText, timeZoneSchema } from './common.js';

export const roleSchema = z.enum(['admin', 'user']);

export const loginIdSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._@-]{1,64}$/, { message: 'validation.login_id' });

export const passwordSchema = z
  .string()
  .min(8, { message: 'validation.password_weak' })
  .max(256)
  .refine((value) => !value.includes('\u0000'), { message: 'validation.control_chars' });

export const loginRequest = z.strictObject({
  // Not the format of a login ID: a login ID of another format is simply unknown (401).
  loginId: singleLineText(256),
  password: z.string().max(1024),
});

export const createUserRequest = z.strictObject({
  loginId: loginIdSchema,
  displayName: requiredText(100),
  email: optionalAddressSchema.default(null),
  role: roleSchema.default('user'),
  /** Left out: the organisation's default language and time zone. */
  locale: localeSchema.optional(),
  timeZone: timeZoneSchema.optional(),
  password: passwordSchema,
});

export const updateUserRequest = z.strictObject({
  displayName: requiredText(100).optional(),
  email: optionalAddressSchema.optional(),
  role: roleSchema.optional(),
  locale: localeSchema.optional(),
  timeZone: timeZoneSchema.optional(),
  active: z.boolean().optional(),
});

export const setPasswordRequest = z.strictObject({ password: passwordSchema });

export const updateMeRequest = z.strictObject({
  displayName: requiredText(100).optional(),
  email: optionalAddressSchema.optional(),
  locale: localeSchema.optional(),
  timeZone: timeZoneSchema.optional(),
  /** Asked for only with a new e-mail address (or none). */
  currentPassword: z.string().max(1024).optional(),
});

export const changeOwnPasswordRequest = z.strictObject({
  currentPassword: z.string().max(1024),
  newPassword: passwordSchema,
});

export const userView = z.object({
  id: z.string(),
  loginId: z.string(),
  displayName: z.string(),
  email: z.string().nullable(),
  role: roleSchema,
  locale: localeSchema,
  timeZone: z.string(),
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** POST and GET /api/session: the signed-in user and the token every state-changing request carries. */
export const sessionViewSchema = z.object({
  user: userView,
  csrfToken: z.string(),
  expiresAt: z.string(),
});

export const organisationView = z.object({
  name: z.string(),
  defaultLocale: localeSchema,
  timeZone: z.string(),
  updatedAt: z.string(),
});

/** Only the fields given change. */
export const updateOrganisationRequest = z.strictObject({
  name: requiredText(200).optional(),
  defaultLocale: localeSchema.optional(),
  timeZone: timeZoneSchema.optional(),
});

export type LoginRequest = z.infer<typeof loginRequest>;
export type CreateUserRequest = z.infer<typeof createUserRequest>;
export type UpdateUserRequest = z.infer<typeof updateUserRequest>;
export type UpdateMeRequest = z.infer<typeof updateMeRequest>;
export type UserView = z.infer<typeof userView>;
export type SessionView = z.infer<typeof sessionViewSchema>;
export type OrganisationView = z.infer<typeof organisationView>;
export type UpdateOrganisationRequest = z.infer<typeof updateOrganisationRequest>;
