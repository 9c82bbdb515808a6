import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { LockoutPolicyForm, SuspensionView } from '../../src/contracts/lockout.js';
import type { Client } from './app.js';

/** The source address of the login attempts in these tests (TEST-NET-3). */
export const ATTEMPT_IP = '203.0.113.7';

export async function setLockoutPolicy(admin: Client, policy: LockoutPolicyForm): Promise<void> {
  const response = await admin.request('PUT', '/api/settings/lockout', policy);
  if (response.statusCode !== 200) throw new Error(`saving the lockout policy failed: ${response.statusCode} ${response.body}`);
}

/** One login attempt as a browser makes it, from ATTEMPT_IP. */
export function attemptLogin(
  app: FastifyInstance,
  loginId: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/api/session', payload: { loginId, password }, headers, remoteAddress: ATTEMPT_IP });
}

export async function failLogins(app: FastifyInstance, loginId: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const response = await attemptLogin(app, loginId, `wrong-password-${i}`);
    if (response.statusCode !== 401) throw new Error(`a wrong password was answered ${response.statusCode}`);
  }
}

export async function suspensions(admin: Client): Promise<SuspensionView[]> {
  const response = await admin.request('GET', '/api/suspensions');
  if (response.statusCode !== 200) throw new Error(`listing suspensions failed: ${response.statusCode} ${response.body}`);
  return response.json();
}

/** The suspension mails in the delivery log, oldest first. */
export async function suspensionDeliveries(admin: Client): Promise<{ to: string; subject: string; state: string }[]> {
  const response = await admin.request('GET', '/api/mail/deliveries?kind=suspension&limit=200');
  return response.json().deliveries.reverse();
}
