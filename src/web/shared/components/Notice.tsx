import type { ReactNode } from 'react';

type Tone = 'info' | 'success' | 'warning' | 'error';

/**
 * A message box. `live` makes screen readers read it when it appears: the result of an action
 * the user just took (saved, failed). Messages that are simply part of the page are not live.
 */
export function Notice({ tone, children, live, title }: { tone: Tone; children: ReactNode; live?: boolean; title?: string }) {
  const role = live ? (tone === 'error' ? 'alert' : 'status') : undefined;
  return (
    <div className={`notice ${tone}`} role={role}>
      {title && <p className="notice-title">{title}</p>}
      {children}
    </div>
  );
}
