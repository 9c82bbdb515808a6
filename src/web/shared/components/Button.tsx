import type { ComponentProps } from 'react';

/**
 * A button that may be unavailable for a while (a check running, a save under way, no next page)
 * without losing the keyboard focus: `aria-disabled` rather than `disabled`, whose button the
 * browser leaves, dropping the focus to the top of the page (a screen reader then reads from
 * there). A press meanwhile does nothing, a submit included.
 */
export function Button({ unavailable, onClick, ...button }: ComponentProps<'button'> & { unavailable: boolean }) {
  return (
    <button
      type="button"
      {...button}
      aria-disabled={unavailable}
      onClick={(event) => {
        if (unavailable) event.preventDefault();
        else onClick?.(event);
      }}
    />
  );
}
