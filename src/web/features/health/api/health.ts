import { useEffect, useState } from 'react';
import { type HealthView, healthViewSchema } from '../../../../contracts/health';
import { apiRequest } from '../../../shared/api/client';

const POLL_MS = 60_000;

/**
 * /api/health for the admin banners (SPEC §2.5, §2.6): read when the page changes and every
 * minute, so a failing transport shows up without a reload. Null until the first answer, and
 * always for a 一般ユーザー (`pageKey` null), who may not read it.
 */
export function useHealth(pageKey: string | null): HealthView | null {
  const [health, setHealth] = useState<HealthView | null>(null);
  useEffect(() => {
    if (pageKey === null) return;
    let current = true;
    const read = () =>
      apiRequest('GET', '/api/health', { schema: healthViewSchema }).then(
        (answer) => current && setHealth(answer),
        // The banners are extra information: a failed read keeps the last known state.
        () => {},
      );
    void read();
    const timer = setInterval(read, POLL_MS);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, [pageKey]);
  return health;
}
