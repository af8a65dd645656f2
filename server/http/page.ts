import { existsSync, readdirSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { isSafeFileName, serveFile } from './static-files.js';

const PLACEHOLDER = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pulsegate</title>
</head>
<body>
<h1>Pulsegate</h1>
<p>The gateway is running. Dashboards connect with Socket.IO to the <code>/dashboard</code>
namespace of this server; agents connect to <code>/v1/agent</code>.</p>
<p>The built-in dashboard page is not bundled with this build.</p>
</body>
</html>
`;

/**
 * The built-in dashboard page: the files of `dir` (its `index.html` at `/`, its assets at
 * `/<file>`), or a placeholder page when no page was built into `dir`. The file list is
 * read once: pages are built before the gateway starts.
 */
export class DashboardPage {
  private readonly files: ReadonlySet<string>;

  constructor(private readonly dir: string | undefined) {
    this.files = new Set(
      dir !== undefined && existsSync(dir)
        ? readdirSync(dir, { withFileTypes: true })
            .filter((e) => e.isFile() && isSafeFileName(e.name))
            .map((e) => e.name)
        : [],
    );
  }

  /** True for a top-level path the page serves (besides `/`). */
  hasAsset(name: string): boolean {
    return name !== 'index.html' && this.files.has(name);
  }

  async serveIndex(res: ServerResponse): Promise<void> {
    if (this.dir !== undefined && this.files.has('index.html')) {
      await serveFile(res, this.dir, 'index.html');
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': Buffer.byteLength(PLACEHOLDER),
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    res.end(PLACEHOLDER);
  }

  async serveAsset(res: ServerResponse, name: string): Promise<void> {
    if (this.dir === undefined) return;
    await serveFile(res, this.dir, name);
  }
}
