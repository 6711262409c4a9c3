// Receptionist's window ("Receptionist"): the web page's files and the packages it is built from (preact, htm),
// served from this installation — no CDN, nothing fetched from elsewhere.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { packageRoot } from '../util/package-root.js';

const require = createRequire(import.meta.url);

/** What the page may load, by URL path: its own files and the ES modules of its packages. */
export function webAssets(): ReadonlyMap<string, { file: string; type: string }> {
  const web = join(packageRoot(), 'src', 'server', 'web');
  const js = 'text/javascript; charset=utf-8';
  return new Map([
    ['/', { file: join(web, 'index.html'), type: 'text/html; charset=utf-8' }],
    ['/assets/app.js', { file: join(web, 'app.js'), type: js }],
    ['/assets/style.css', { file: join(web, 'style.css'), type: 'text/css; charset=utf-8' }],
    // Each package's ES module build, found the way Node finds the package (htm's `require` entry sits beside it).
    ['/assets/vendor/preact.mjs', { file: require.resolve('preact'), type: js }],
    ['/assets/vendor/preact-hooks.mjs', { file: require.resolve('preact/hooks'), type: js }],
    ['/assets/vendor/htm.mjs', { file: join(dirname(require.resolve('htm')), 'htm.mjs'), type: js }],
  ]);
}

/** Reads each asset once; the files do not change while the server runs. */
export function assetReader(): (path: string) => Promise<{ body: Buffer; type: string } | undefined> {
  const assets = webAssets();
  const cache = new Map<string, Promise<Buffer>>();
  return async (path) => {
    const asset = assets.get(path);
    if (!asset) return undefined;
    let body = cache.get(path);
    if (!body) {
      body = readFile(asset.file);
      cache.set(path, body);
    }
    return { body: await body, type: asset.type };
  };
}
