import type { Reporter, TestModule, Vitest } from 'vitest/node';

/**
 * The last line of every run says how many tests were skipped, and whether the PostgreSQL leg
 * ran, so a green run that left out half the matrix cannot pass for a full one.
 */
export default class SkippedReporter implements Reporter {
  private vitest: Vitest | undefined;

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let total = 0;
    let skipped = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        total++;
        if (test.result().state === 'skipped') skipped++;
      }
    }
    // The database is provided to the project whose global setup checked it (the `api` one).
    const postgres = this.vitest?.projects.some((project) => project.getProvidedContext().postgresUrl);
    const leg = postgres ? 'PostgreSQL leg ran' : 'PostgreSQL leg skipped: no PostgreSQL';
    process.stdout.write(`\nskipped: ${skipped} of ${total} tests (${leg})\n`);
  }
}
