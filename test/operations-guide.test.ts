import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { registry } from '../src/server/metrics/registry.js';

/**
 * docs/operations.md is what an operator configures and alerts by: its configuration tables
 * must name every variable config.ts reads, with the default and range it really has, and its
 * metric tables every metric the process exposes. Both halves, Japanese and English.
 */
const guide = readFileSync(new URL('../docs/operations.md', import.meta.url), 'utf8');
const configSource = readFileSync(new URL('../src/server/config.ts', import.meta.url), 'utf8');
const englishStart = guide.indexOf('\n## English\n');
const halves = { ja: guide.slice(0, englishStart), en: guide.slice(englishStart) };

/** `TAYORI_X: integer(10_000, 100, 60 * 24 * 30)` → default and range as the guide writes them. */
function integerVariables(): { name: string; byDefault: string; range: string }[] {
  const evaluate = (expression: string) => String(expression.split('*').reduce((product, factor) => product * Number(factor.trim().replace(/_/g, '')), 1));
  return [...configSource.matchAll(/(TAYORI_\w+): integer\(([^,]+), ([^,]+), ([^)]+)\)/g)].map(([, name, byDefault, min, max]) => ({
    name,
    byDefault: evaluate(byDefault),
    range: `${evaluate(min)}–${evaluate(max)}`,
  }));
}

const variables = [...configSource.matchAll(/^ {4}(TAYORI_\w+):/gm)].map(([, name]) => name);
const rowOf = (half: string, name: string) => half.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
const PROCESS_METRICS = /^tayori_(process|nodejs)_/;

describe.each(Object.entries(halves))('docs/operations.md, %s half', (_language, half) => {
  it('has a row for every variable of config.ts', () => {
    expect(variables.length).toBeGreaterThan(30);
    expect(variables.filter((name) => !rowOf(half, name))).toEqual([]);
  });

  it('gives each numeric variable the default and the range config.ts enforces', () => {
    const wrong = integerVariables().filter(({ name, byDefault, range }) => {
      const cells = rowOf(half, name)?.split('|').map((cell) => cell.trim());
      return cells?.[2] !== byDefault || cells?.[3] !== range;
    });
    expect(wrong).toEqual([]);
  });

  it('lists every metric the process exposes', async () => {
    const names = (await registry.getMetricsAsJSON()).map((metric) => metric.name);
    expect(names.filter((name) => !PROCESS_METRICS.test(name) && !half.includes(`\`${name}\``))).toEqual([]);
    for (const group of ['`tayori_process_*`', '`tayori_nodejs_*`']) expect(half.includes(group), group).toBe(true);
  });
});
