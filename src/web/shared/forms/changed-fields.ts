/**
 * The fields of a form the user changed, compared with the values it was opened with: a save
 * sends only those. Sending the whole form from a page opened earlier undid what another
 * administrator had saved meanwhile (a leaver deactivated and demoted became an active
 * administrator again when someone fixed their display name).
 */
export function changedFields<T extends object>(opened: Partial<T> | undefined, edited: T): Partial<T> {
  return Object.fromEntries(Object.entries(edited).filter(([key, value]) => opened?.[key as keyof T] !== value)) as Partial<T>;
}
