import { DEFAULT_LOCKOUT_POLICY, type LockoutPolicyView } from '../../../../contracts/lockout';

/**
 * The policy form as the browser holds it: text boxes hold text, and 無期限 is a choice of its
 * own rather than an empty box. The number fields are named as the API's body paths, so the
 * contract's and the server's field errors land on them.
 */
export interface PolicyFormValues {
  threshold: string;
  windowMinutes: string;
  duration: 'minutes' | 'until-lifted';
  durationMinutes: string;
}

export function formValuesOf(policy: LockoutPolicyView): PolicyFormValues {
  return {
    threshold: String(policy.threshold),
    windowMinutes: String(policy.windowMinutes),
    duration: policy.durationMinutes === null ? 'until-lifted' : 'minutes',
    // Choosing a set time again after 無期限 offers the default length rather than an empty box.
    durationMinutes: String(policy.durationMinutes ?? DEFAULT_LOCKOUT_POLICY.durationMinutes),
  };
}

/**
 * A number as typed (full-width digits too, as a Japanese keyboard may give them); an empty box
 * is missing, and anything else goes as typed for the contract to refuse with its own message.
 */
function numberOf(text: string): number | string | undefined {
  const typed = text.normalize('NFKC').trim();
  if (typed === '') return undefined;
  return /^[-+]?\d+(\.\d+)?$/.test(typed) ? Number(typed) : text;
}

/** The body of PUT /api/settings/lockout, before the contract checks it. */
export function requestBodyOf(values: PolicyFormValues, version: number) {
  return {
    threshold: numberOf(values.threshold),
    windowMinutes: numberOf(values.windowMinutes),
    durationMinutes: values.duration === 'until-lifted' ? null : numberOf(values.durationMinutes),
    version,
  };
}
