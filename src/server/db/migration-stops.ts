/**
 * A migration that stops because the data needs the operator's decision first. It names what to
 * decide (`details`), and the start says it in the operator's language (startup-problems.ts).
 */
export class LoginIdsDifferOnlyInCase extends Error {
  constructor(readonly pairs: string) {
    super(`login IDs differ only in case: ${pairs}`);
    this.name = 'LoginIdsDifferOnlyInCase';
  }
}
