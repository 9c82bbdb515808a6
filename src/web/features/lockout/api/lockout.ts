import {
  type LockoutPolicyForm,
  type LockoutPolicyView,
  lockoutPolicyView,
  type SuspensionView,
  suspensionList,
} from '../../../../contracts/lockout';
import { apiRequest } from '../../../shared/api/client';

export function loadLockoutPolicy(): Promise<LockoutPolicyView> {
  return apiRequest('GET', '/api/settings/lockout', { schema: lockoutPolicyView });
}

/** 422 lists every refused field; 409 when someone saved since `version`. */
export function saveLockoutPolicy(body: LockoutPolicyForm): Promise<LockoutPolicyView> {
  return apiRequest('PUT', '/api/settings/lockout', { body, schema: lockoutPolicyView });
}

/** The suspensions in force, newest first. */
export function listSuspensions(): Promise<SuspensionView[]> {
  return apiRequest('GET', '/api/suspensions', { schema: suspensionList });
}

/** 停止解除: 404 when the account is no longer suspended (it resumed, or another admin lifted it). */
export function liftSuspension(userId: string): Promise<void> {
  return apiRequest('DELETE', `/api/suspensions/${encodeURIComponent(userId)}`);
}
