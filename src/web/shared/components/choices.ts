import type { Translate } from '../i18n/i18n';
import { timeZoneChoices } from '../i18n/time-zones';
import type { Choice } from './fields';

/** The choices of the language and time zone fields (profile, users, organisation). */
export const localeChoices = (t: Translate): Choice<'ja' | 'en'>[] => [
  { value: 'ja', label: t('common.locale.ja') },
  { value: 'en', label: t('common.locale.en') },
];

export const timeZoneChoicesFor = (current: string): Choice<string>[] =>
  timeZoneChoices(current).map((zone) => ({ value: zone, label: zone }));

export const roleChoices = (t: Translate): Choice<'admin' | 'user'>[] => [
  { value: 'admin', label: t('common.role.admin') },
  { value: 'user', label: t('common.role.user') },
];
