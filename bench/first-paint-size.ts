import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * How much JavaScript a browser loads to show a page of the built screen for the first time:
 * the entry and everything it imports, plus the page's own lazily loaded chunk and its imports,
 * plus the modules the page fetches before it shows (its messages), each gzip-compressed as a
 * server would send it. Read from Vite's build manifest.
 */

interface ManifestChunk {
  file: string;
  imports?: string[];
  isEntry?: boolean;
}

type Manifest = Record<string, ManifestChunk>;

export interface FirstPaintSize {
  files: { file: string; gzipBytes: number }[];
  totalGzipKb: number;
}

export function firstPaintJsSize(outDir: string, pageModule: string, fetchedFirst: string[] = []): FirstPaintSize {
  const manifest = JSON.parse(readFileSync(join(outDir, '.vite', 'manifest.json'), 'utf8')) as Manifest;
  const entry = Object.keys(manifest).find((key) => manifest[key].isEntry);
  if (!entry) throw new Error('the build manifest names no entry');
  if (!manifest[pageModule]) throw new Error(`the build manifest has no chunk for ${pageModule}`);
  const loaded = new Set<string>();
  const visit = (key: string) => {
    if (loaded.has(key)) return;
    loaded.add(key);
    for (const imported of manifest[key].imports ?? []) visit(imported);
  };
  visit(entry);
  visit(pageModule);
  for (const module of fetchedFirst) {
    // Virtual modules are named relative to the screen's root in the manifest (`../../virtual:…`).
    const key = Object.keys(manifest).find((name) => name === module || name.endsWith(`/${module}`));
    if (!key) throw new Error(`the build manifest has no chunk for ${module}`);
    visit(key);
  }
  const files = [...loaded]
    .map((key) => manifest[key].file)
    .filter((file) => file.endsWith('.js'))
    .map((file) => ({ file, gzipBytes: gzipSync(readFileSync(join(outDir, file))).length }));
  const totalGzipKb = Math.round((files.reduce((sum, { gzipBytes }) => sum + gzipBytes, 0) / 1024) * 10) / 10;
  return { files, totalGzipKb };
}
