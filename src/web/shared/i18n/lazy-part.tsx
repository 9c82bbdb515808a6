import { type ComponentType, lazy, use } from 'react';
import type { Locale } from '../../../i18n/index';
import { useI18n } from './i18n';
import { hasPart, loadPart } from './messages';

/**
 * A piece of the screen loaded when it is first shown (a page, or a part of a page that not
 * every installation shows), with its texts: the messages only its folder names, which the build
 * puts in a part of their own (tools/screen-messages.ts finds the folder named here, so name it
 * literally). Code and texts are fetched together, in the reader's language.
 */
export interface LazyPart<P extends object = object> {
  Component: ComponentType<P>;
  /** Starts loading code and texts before they are shown (the first page, while the session is checked). */
  preload(locale: Locale): Promise<unknown>;
}

/** `folder`: the piece's folder under src/web/features (`users`, `mail-settings/components/gmail`). */
export function lazyPart<M, P extends object = object>(folder: string, load: () => Promise<M>, pick: (module: M) => ComponentType<P>): LazyPart<P> {
  let loading: Promise<M> | undefined;
  const loadCode = () => (loading ??= load());
  const Code = lazy(() => loadCode().then((module) => ({ default: pick(module) })));
  function Component(props: P) {
    const { locale } = useI18n();
    if (!hasPart(locale, folder)) {
      void loadCode();
      use(loadPart(locale, folder));
    }
    return <Code {...props} />;
  }
  return { Component, preload: (locale) => Promise.all([loadCode(), loadPart(locale, folder)]) };
}
