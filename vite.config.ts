import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { firstPaintJsSize } from './bench/first-paint-size.js';
import { partModule, screenMessagesPlugin } from './tools/screen-messages.js';

/**
 * The admin screen (src/web). `npm run build:web` writes it to dist/web, which `tayori serve`
 * serves; `npm run dev` serves it with hot reload and passes the API to a running server at
 * TAYORI_DEV_API (default http://127.0.0.1:3000).
 */
const api = process.env.TAYORI_DEV_API ?? 'http://127.0.0.1:3000';
// The server refuses a sign-in posted from another origin than its public URL: present that one.
const publicOrigin = new URL(process.env.TAYORI_PUBLIC_URL ?? 'http://localhost:3000').origin;
const root = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/web', import.meta.url));

const SETTINGS_PAGE = 'features/mail-settings/components/MailSettingsPage.tsx';
const GMAIL_SECTION = 'features/mail-settings/components/gmail/GmailSection.tsx';
const GMAIL_PART = 'mail-settings/components/gmail';

/**
 * The build's last line: the gzip size of all JavaScript the first paint of /settings/mail loads
 * (goal ≤ 150): the page as a new installation shows it, with its own Japanese messages. The line
 * before it: the same page with the Gmail part shown (code and messages loaded when Gmail is chosen).
 */
function reportSettingsPageSize(): Plugin {
  let buildFailed = false;
  return {
    name: 'tayori-settings-js-size',
    apply: 'build',
    buildEnd(error) {
      buildFailed = error !== undefined;
    },
    renderError() {
      buildFailed = true;
    },
    closeBundle() {
      // A failed build has no manifest: its own error must show, not this plugin's.
      if (buildFailed) return;
      const size = firstPaintJsSize(outDir, SETTINGS_PAGE, [partModule('ja', 'mail-settings')]);
      const withGmail = firstPaintJsSize(outDir, SETTINGS_PAGE, [partModule('ja', 'mail-settings'), GMAIL_SECTION, partModule('ja', GMAIL_PART)]);
      for (const { file, gzipBytes } of size.files) console.log(`  ${file}  ${(gzipBytes / 1024).toFixed(1)} kB gzip`);
      console.log(`settings_js_gzip_kb_with_gmail ${withGmail.totalGzipKb}`);
      console.log(`settings_js_gzip_kb ${size.totalGzipKb}`);
    },
  };
}

export default defineConfig({
  root: 'src/web',
  plugins: [react(), screenMessagesPlugin(root), reportSettingsPageSize()],
  build: {
    outDir,
    emptyOutDir: true,
    // Read by the size report above.
    manifest: true,
    // Every browser the screen supports preloads modules itself (Chromium 66+, Firefox 115+, Safari 17+).
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: Object.fromEntries(
      ['/api', '/healthz', '/oauth'].map((path) => [
        path,
        { target: api, configure: (proxy) => proxy.on('proxyReq', (request) => request.setHeader('origin', publicOrigin)) },
      ]),
    ),
  },
});
