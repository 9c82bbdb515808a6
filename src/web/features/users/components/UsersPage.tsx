import { useState } from 'react';
import type { UserView } from '../../../../contracts/accounts';
import { Loading } from '../../../shared/components/Loading';
import { Notice } from '../../../shared/components/Notice';
import { PageHeader } from '../../../shared/components/PageHeader';
import { useLoader } from '../../../shared/api/use-loader';
import { DataTable } from '../../../shared/components/DataTable';
import { useI18n } from '../../../shared/i18n/i18n';
import { listUsers, newUserDefaults } from '../api/users';
import { PasswordDialog } from './PasswordDialog';
import { UserDialog } from './UserDialog';

type Editing = { kind: 'create' } | { kind: 'edit'; user: UserView } | { kind: 'password'; user: UserView } | null;

/** ユーザー管理: every user, added and edited in dialogs; a new password for someone who lost theirs. */
export function UsersPage() {
  const { t } = useI18n();
  const { state, reload } = useLoader(listUsers, []);
  const { state: defaults } = useLoader(newUserDefaults, []);
  const [editing, setEditing] = useState<Editing>(null);
  const [done, setDone] = useState<string | null>(null);
  const finish = (message: string) => {
    setEditing(null);
    setDone(message);
    reload();
  };
  return (
    <>
      <PageHeader title={t('users.title')}>
        <button type="button" className="button primary" onClick={() => setEditing({ kind: 'create' })}>
          {t('users.add')}
        </button>
      </PageHeader>
      {done && (
        <Notice tone="success" live>
          {done}
        </Notice>
      )}
      <Loading state={state} reload={reload}>
        {(users) => <UsersTable users={users} onEdit={(user) => setEditing({ kind: 'edit', user })} onPassword={(user) => setEditing({ kind: 'password', user })} />}
      </Loading>
      {(editing?.kind === 'create' || editing?.kind === 'edit') && (
        <UserDialog
          user={editing.kind === 'edit' ? editing.user : null}
          defaults={defaults.status === 'ready' ? defaults.data : undefined}
          onDone={finish}
          onCancel={() => setEditing(null)}
        />
      )}
      {editing?.kind === 'password' && <PasswordDialog user={editing.user} onDone={finish} onCancel={() => setEditing(null)} />}
    </>
  );
}

function UsersTable({ users, onEdit, onPassword }: { users: UserView[]; onEdit(user: UserView): void; onPassword(user: UserView): void }) {
  const { t } = useI18n();
  return (
    <DataTable caption={t('users.title')} columns={[t('users.login_id'), t('users.display_name'), t('users.email'), t('users.role'), t('users.locale'), t('users.time_zone'), t('users.state'), t('users.actions')]}>
      {users.map((user) => (
        <tr key={user.id}>
          <th scope="row">{user.loginId}</th>
          <td>{user.displayName}</td>
          <td>{user.email ?? '—'}</td>
          <td>{t(`common.role.${user.role}`)}</td>
          <td>{t(`common.locale.${user.locale}`)}</td>
          <td>{user.timeZone}</td>
          <td>{user.active ? t('users.active') : t('users.inactive')}</td>
          <td className="actions">
            <button type="button" className="button small" onClick={() => onEdit(user)} aria-label={`${t('common.edit')}: ${user.loginId}`}>
              {t('common.edit')}
            </button>
            <button type="button" className="button small" onClick={() => onPassword(user)} aria-label={`${t('users.set_password')}: ${user.loginId}`}>
              {t('users.set_password')}
            </button>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
