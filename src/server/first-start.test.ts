import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { firstStartNotice } from './first-start.js';

const config = (env: Record<string, string>) => loadConfig({ TAYORI_DATA_DIR: '/tmp/tayori-first-start-notice', ...env });

describe('the first start notice', () => {
  it('points to the password it printed when it generated one', () => {
    const notice = firstStartNotice(config({ LANG: 'ja_JP.UTF-8' }), { login: 'admin', generatedPassword: 'generated-pass-123' });
    expect(notice).toContain('パスワード: generated-pass-123');
    expect(notice).toContain('ログインID admin と上のパスワードでサインインします');
  });

  it('points to TAYORI_INITIAL_ADMIN_PASSWORD when the operator chose the password, in either language', () => {
    const ja = firstStartNotice(config({ LANG: 'ja_JP.UTF-8', TAYORI_INITIAL_ADMIN_PASSWORD: 'chosen-pass-123' }), { login: 'admin' });
    expect(ja).toContain('TAYORI_INITIAL_ADMIN_PASSWORD に設定したパスワードでサインインします');
    expect(ja).not.toContain('上のパスワード');
    const en = firstStartNotice(config({ LANG: 'en_US.UTF-8', TAYORI_INITIAL_ADMIN_PASSWORD: 'chosen-pass-123' }), { login: 'admin' });
    expect(en).toContain('with the password set in TAYORI_INITIAL_ADMIN_PASSWORD');
    expect(en).not.toContain('password above');
  });
});
