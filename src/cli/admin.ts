import type { Command } from 'commander';
import { createUserRequest } from '../contracts/accounts.js';
import { unlockByLoginId } from '../server/accounts/lockout.service.js';
import { findUserByLoginId } from '../server/accounts/users.repository.js';
import { createUser, setUserPassword } from '../server/accounts/users.service.js';
import { parseOrThrow } from '../server/errors.js';
import { cliActor, passwordFromStdinOrGenerated, withInstallation } from './context.js';
import { complain, say, text } from './output.js';

export function adminCommands(program: Command) {
  const admin = program.command('admin').description(text('cli.help.admin'));

  admin
    .command('create')
    .description(text('cli.help.admin_create'))
    .requiredOption('--login <loginId>', text('cli.help.login'))
    .option('--name <displayName>', text('cli.help.name'))
    .option('--email <address>', text('cli.help.email'))
    // The API's default too: an administrator is made on purpose.
    .option('--role <role>', text('cli.help.role'), 'user')
    .option('--locale <locale>', text('cli.help.locale'))
    .option('--time-zone <zone>', text('cli.help.time_zone'))
    .action(async (options) => {
      await withInstallation(async (ctx) => {
        const { password, generated } = await passwordFromStdinOrGenerated();
        const input = parseOrThrow(createUserRequest, {
          loginId: options.login,
          displayName: options.name ?? options.login,
          email: options.email ?? null,
          role: options.role,
          locale: options.locale,
          timeZone: options.timeZone,
          password,
        });
        // A generated password is shown just before the user is committed, as at the first start:
        // a command killed between the two then leaves no user nobody can sign in as.
        const user = await createUser(ctx, cliActor(), input, {
          beforeCommit: () => {
            if (generated) say('cli.admin.generated_password', { password });
          },
        });
        say('cli.admin.created', { login: user.loginId, role: text(`cli.role.${user.role}`) });
      });
    });

  admin
    .command('set-password <loginId>')
    .description(text('cli.help.set_password'))
    .action(async (loginId: string) => {
      await withInstallation(async (ctx) => {
        const user = await findUserByLoginId(ctx.db, loginId);
        if (!user) {
          complain('cli.admin.no_such_user', { login: loginId });
          process.exitCode = 1;
          return;
        }
        const { password, generated } = await passwordFromStdinOrGenerated();
        // Parsed as the field it is, so a refusal names it (「パスワード: 8文字以上…」), not an empty label.
        const { password: parsed } = parseOrThrow(createUserRequest.pick({ password: true }), { password });
        await setUserPassword(ctx, cliActor(), user.id, parsed);
        say('cli.admin.password_changed', { login: loginId });
        if (generated) say('cli.admin.generated_password', { password });
        // A new password does not undo a deactivation, an administrator's decision: say so rather than let them try in vain.
        if (user.active !== 1) complain('cli.admin.password_set_inactive', { login: loginId });
      });
    });

  admin
    .command('unlock <loginId>')
    .description(text('cli.help.unlock'))
    .action(async (loginId: string) => {
      await withInstallation(async (ctx) => {
        const outcome = await unlockByLoginId(ctx, cliActor(), loginId);
        if (outcome === 'no_such_user') {
          complain('cli.admin.no_such_user', { login: loginId });
          process.exitCode = 1;
          return;
        }
        say(outcome === 'lifted' ? 'cli.admin.unlocked' : 'cli.admin.not_suspended', { login: loginId });
      });
    });
}
