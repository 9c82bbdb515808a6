import { describe, expect, it } from 'vitest';
import { t } from './index.js';

describe('the outcomes of a background run', () => {
  // A digest says 「異常終了」 / "Failed"; the checkbox that asked for it must say the same, or a
  // reader cannot tell which box brought the mail (English said "Abnormal end" there).
  it.each(['ja', 'en'] as const)('are called the same in the settings (%s) as in the digests they ask for', (locale) => {
    expect(t(locale, 'mailsettings.monitoring.normal_end')).toBe(t(locale, 'monitoring.notice.succeeded'));
    expect(t(locale, 'mailsettings.monitoring.abnormal_end')).toBe(t(locale, 'monitoring.notice.failed'));
    expect(t(locale, 'mailsettings.monitoring.long_running')).toBe(t(locale, 'monitoring.notice.long-running'));
  });
});
