#!/usr/bin/env node
// The `tayori` command runs in this very process, so signals reach it and a supervisor sees the
// process that does the work: the compiled JavaScript of `npm run build` (made by `npm install`),
// or, in a checkout that was never built, the TypeScript source through tsx.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli/main.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli/main.ts', import.meta.url).href);
}
