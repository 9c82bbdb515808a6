import type { Command } from 'commander';
import { createUserRequest } from '../contracts/accounts.js';
import { unlockByLoginId } from '../server/accounts/lockout.service.js';
import { findUserByLoginId } from '../server/accounts/users.repository.js';
import { createUser, setUserPassword } from '../server/accounts/users.service.js';
import { systemActor } from '../server/audit/audit.service.js';
import { parseOrThrow } from '../server/errors.js';
import { passwordFromStdinOrGenerated, withInstallation } from './context.js';

export function adminCommands(program: Command) {
  const admin = program.command('admin').description('manage users from the command line');

  admin
    .command('create')
    .description('create a user (password from standard input, or generated and printed once)')
    .requiredOption('--login <loginId>', 'login ID')
    .option('--name <displayName>', 'display name')
    .option('--email <address>', 'e-mail address')
    .option('--role <role>', 'admin or user', 'admin')
    .option('--locale <locale>', 'ja or en', 'ja')
    .option('--time-zone <zone>', 'IANA time zone', 'Asia/Tokyo')
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
        const user = await createUser(ctx, systemActor('cli'), input);
        console.log(`created ${user.role} ${user.loginId}`);
        if (generated) console.log(`password: ${password}`);
      });
    });

  admin
    .command('set-password <loginId>')
    .description("set a user's password (from standard input, or generated and printed once); ends their sessions")
    .action(async (loginId: string) => {
      await withInstallation(async (ctx) => {
        const user = await findUserByLoginId(ctx.db, loginId);
        if (!user) {
          console.error(`no user with login ID ${loginId}`);
          process.exitCode = 1;
          return;
        }
        const { password, generated } = await passwordFromStdinOrGenerated();
        const parsed = parseOrThrow(createUserRequest.shape.password, password);
        await setUserPassword(ctx, systemActor('cli'), user.id, parsed);
        console.log(`password of ${loginId} changed`);
        if (generated) console.log(`password: ${password}`);
      });
    });

  admin
    .command('unlock <loginId>')
    .description('lift the suspension of an account (アカウント停止), e.g. when every administrator is suspended')
    .action(async (loginId: string) => {
      await withInstallation(async (ctx) => {
        const outcome = await unlockByLoginId(ctx, systemActor('cli'), loginId);
        if (outcome === 'no_such_user') {
          console.error(`no user with login ID ${loginId}`);
          process.exitCode = 1;
          return;
        }
        console.log(outcome === 'lifted' ? `suspension of ${loginId} lifted` : `${loginId} is not suspended`);
      });
    });
}
