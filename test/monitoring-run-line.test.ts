import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { crontabWord, tayoriRunLine } from '../src/web/features/monitoring/model/run-command.js';

/** What the shell makes of a word, after cron has done its part (an escaped % loses its backslash). */
function shellReads(word: string): string {
  const afterCron = word.replaceAll('\\%', '%');
  return execFileSync('sh', ['-c', `printf '%s' ${afterCron}`], { encoding: 'utf8' });
}

describe('the tayori run line of a report token', () => {
  it('names the kind, the name, the server and the token, and leaves the command to the administrator', () => {
    expect(tayoriRunLine({ kind: 'data-source', name: 'nightly-import', origin: 'https://tayori.example.jp', token: 'tyrr_abc-DEF_123' })).toBe(
      'tayori run --kind data-source --name nightly-import --url https://tayori.example.jp --token tyrr_abc-DEF_123 -- COMMAND',
    );
  });

  it.each([
    ['夜間 取込'],
    ["O'Reilly の同期"],
    ['$(rm -rf /) `id` ; | & > < * ? ~ # !'],
    ['100% 完了'],
    ['"二重引用符" と \\ バックスラッシュ'],
    ['-x'],
  ])('quotes %s so that the shell reads it back unchanged', (name) => {
    expect(shellReads(crontabWord(name))).toBe(name);
  });

  it('escapes every % for cron, also inside quotes', () => {
    expect(crontabWord('50%')).toBe("'50\\%'");
  });
});
