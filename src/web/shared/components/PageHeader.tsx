import { createContext, type ReactNode, useContext, useEffect } from 'react';
import { useI18n } from '../i18n/i18n';

/** Where the current page sits in the menu (システムの設定 › 環境設定), set by the app for each page. */
export const PageTrail = createContext<string[]>([]);

/** The page's title (also the document title) and the breadcrumb: システムの設定 › 環境設定 › メール送信設定. */
export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  const { t } = useI18n();
  const trail = useContext(PageTrail);
  useEffect(() => {
    document.title = `${title} — ${t('screen.product')}`;
  }, [title, t]);
  return (
    <header className="page-header">
      {trail.length > 0 && (
        <nav aria-label={t('screen.breadcrumb')} className="breadcrumb">
          <ol>
            {trail.map((step) => (
              <li key={step}>{step}</li>
            ))}
            <li aria-current="page">{title}</li>
          </ol>
        </nav>
      )}
      <h1>{title}</h1>
      {children}
    </header>
  );
}
