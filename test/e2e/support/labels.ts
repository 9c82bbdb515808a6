import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { LABELS, type LabelledPath } from '../../../src/contracts/mail-settings.js';

/**
 * The labels of SPEC §1 (src/contracts/mail-settings.ts LABELS, the list the CLI names fields
 * with) and the choices and buttons of the same section, with the states of the page in which
 * each must be on screen. A label added to LABELS fails the test until it is placed here.
 */

export type FormState = 'smtp' | 'smtp+auth' | 'gmail' | 'managed';

const ALL: FormState[] = ['smtp', 'smtp+auth', 'gmail', 'managed'];
const CUSTOM: FormState[] = ['smtp', 'smtp+auth', 'gmail'];
const SMTP: FormState[] = ['smtp', 'smtp+auth'];

type Shape = 'field' | 'group' | 'heading';

export const LABEL_STATES: Record<LabelledPath, { shape: Shape; states: FormState[] }> = {
  sendingEnabled: { shape: 'group', states: ALL },
  server: { shape: 'group', states: CUSTOM },
  'smtp.host': { shape: 'field', states: SMTP },
  'smtp.port': { shape: 'field', states: SMTP },
  'smtp.security': { shape: 'group', states: SMTP },
  'smtp.authEnabled': { shape: 'group', states: SMTP },
  'smtp.username': { shape: 'field', states: ['smtp+auth'] },
  'smtp.password': { shape: 'field', states: ['smtp+auth'] },
  'smtp.skipCertificateVerification': { shape: 'field', states: SMTP },
  senderAddress: { shape: 'field', states: CUSTOM },
  'gmail.clientId': { shape: 'field', states: ['gmail'] },
  'gmail.clientSecret': { shape: 'field', states: ['gmail'] },
  suspensionRecipients: { shape: 'field', states: ALL },
  monitoring: { shape: 'heading', states: ALL },
  'monitoring.intervalMinutes': { shape: 'field', states: ALL },
  'monitoring.recipients': { shape: 'field', states: ALL },
  'monitoring.kinds.data-source': { shape: 'group', states: ALL },
  'monitoring.kinds.google-calendar-sync': { shape: 'group', states: ALL },
  'monitoring.kinds.analytics-link': { shape: 'group', states: ALL },
};

/** The choices and buttons SPEC §1 names, by their role on the page. */
const CONTROLS: { role: 'radio' | 'checkbox' | 'button'; name: string; states: FormState[] }[] = [
  { role: 'radio', name: '有効化', states: ALL },
  { role: 'radio', name: '既定のメールサーバーを使用する', states: CUSTOM },
  { role: 'radio', name: 'Gmailを使用する', states: CUSTOM },
  { role: 'radio', name: 'なし', states: SMTP },
  { role: 'radio', name: 'STARTTLS', states: SMTP },
  { role: 'radio', name: 'SSL/TLS', states: SMTP },
  { role: 'radio', name: 'する', states: SMTP },
  { role: 'radio', name: 'しない', states: SMTP },
  { role: 'radio', name: '有効', states: ALL },
  { role: 'radio', name: '無効', states: ALL },
  { role: 'checkbox', name: '正常終了', states: ALL },
  { role: 'checkbox', name: '異常終了', states: ALL },
  { role: 'checkbox', name: '長時間', states: ALL },
  { role: 'button', name: '接続テスト', states: ALL },
  { role: 'button', name: 'テストメール送信', states: ALL },
  { role: 'button', name: '設定完了', states: ALL },
];

function locate(page: Page, shape: Shape, label: string): Locator {
  if (shape === 'group') return page.getByRole('group', { name: label, exact: true });
  if (shape === 'heading') return page.getByRole('heading', { name: label, exact: true });
  // Form controls by their label; a write-only password shown as 「設定済み」 is a labelled group instead.
  return page.getByLabel(label, { exact: true });
}

async function shown(locator: Locator) {
  const count = await locator.count();
  for (let index = 0; index < count; index += 1) if (await locator.nth(index).isVisible()) return true;
  return false;
}

/** Every label and control of SPEC §1 is on screen exactly in the states the spec gives it. */
export async function expectLabelsOf(page: Page, state: FormState) {
  expect(Object.keys(LABEL_STATES).sort()).toEqual(Object.keys(LABELS).sort());
  const found: Record<string, boolean> = {};
  const expected: Record<string, boolean> = {};
  for (const [path, { shape, states }] of Object.entries(LABEL_STATES) as [LabelledPath, (typeof LABEL_STATES)[LabelledPath]][]) {
    const label = LABELS[path];
    found[`[${label}]`] = await shown(locate(page, shape, label));
    expected[`[${label}]`] = states.includes(state);
  }
  for (const control of CONTROLS) {
    const key = `${control.role} ${control.name}`;
    found[key] = await shown(page.getByRole(control.role, { name: control.name, exact: true }));
    expected[key] = control.states.includes(state);
  }
  expect(found, `labels on the page in state ${state}`).toEqual(expected);
}
