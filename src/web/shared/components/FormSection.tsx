import { type ReactNode, type Ref, useId } from 'react';

/** A part of a page under its heading, named by it, so a screen reader can move from part to part. */
export function FormSection({ title, headingRef, children }: { title: ReactNode; headingRef?: Ref<HTMLHeadingElement>; children: ReactNode }) {
  const id = useId();
  return (
    <section className="form-section" aria-labelledby={id}>
      <h2 id={id} ref={headingRef} tabIndex={headingRef ? -1 : undefined}>
        {title}
      </h2>
      {children}
    </section>
  );
}
