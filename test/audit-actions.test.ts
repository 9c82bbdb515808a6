import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../src/contracts/audit.js';
import { en } from '../src/i18n/en.js';
import { ja } from '../src/i18n/ja.js';

/**
 * The audit trail records only the actions of AUDIT_ACTIONS (recordAudit takes nothing else), and
 * the 監査ログ page names each in both languages: seven were shown as their code.
 */
describe('the audit actions', () => {
  it.each(AUDIT_ACTIONS)('%s has a name in Japanese and in English', (action) => {
    const key = `audit.action.${action}` as keyof typeof ja;
    expect(ja[key], 'ja').toMatch(/\S/);
    expect(en[key as keyof typeof en], 'en').toMatch(/\S/);
    expect(ja[key]).not.toBe(en[key as keyof typeof en]);
  });
});
