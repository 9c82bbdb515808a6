import type { Compilable, CompiledQuery, QueryResult } from 'kysely';
import type { Database } from './database.js';

/** Changed by any case folding or trimming, so the check below catches an argument transformed in `build`. */
const placeholder = (index: number) => ` Tayori argument ${index} `;

/**
 * A query built and compiled once per database, then run with new argument values. Building
 * and compiling a Kysely query takes more CPU than running a small indexed statement, and on
 * the login path, where argon2 has just evicted the caches, several times more: the queries a
 * login attempt always runs are compiled once instead.
 *
 * `build` runs once, with placeholder strings for its arguments: each must reach the SQL as a
 * parameter of its own, untouched (no folding, arithmetic or branching on it: what `build`
 * does to an argument is not done to later values). Transform arguments before the call.
 */
export function reusableQuery<Args extends unknown[], Row>(
  build: (db: Database, ...args: Args) => Compilable<Row>,
): (db: Database, ...args: Args) => Promise<QueryResult<Row>> {
  const compiledFor = new WeakMap<Database, { compiled: CompiledQuery<Row>; argumentAt: (number | undefined)[] }>();
  const placeholders = Array.from({ length: build.length - 1 }, (_, index) => placeholder(index)) as Args;
  return async (db, ...args) => {
    let entry = compiledFor.get(db);
    if (!entry) {
      const compiled = build(db, ...placeholders).compile();
      const argumentAt = compiled.parameters.map((value) => {
        const index = placeholders.indexOf(value as string);
        return index === -1 ? undefined : index;
      });
      if (placeholders.some((_, index) => !argumentAt.includes(index))) throw new Error('reusableQuery: an argument did not reach the SQL as a parameter');
      entry = { compiled, argumentAt };
      compiledFor.set(db, entry);
    }
    const { compiled, argumentAt } = entry;
    const parameters = compiled.parameters.map((constant, index) => {
      const argument = argumentAt[index];
      return argument === undefined ? constant : args[argument];
    });
    return db.executeQuery<Row>({ ...compiled, parameters });
  };
}
