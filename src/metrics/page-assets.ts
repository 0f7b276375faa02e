import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The live page's files: hand-written HTML, CSS and JavaScript (SVG, no framework), read once
 * from src/metrics/page (shipped in the package beside dist/), so the page needs no build step
 * and nothing from the network, and the node serves every byte of it.
 */
const PAGE_DIR = path.resolve(__dirname, '../../../src/metrics/page');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export interface PageAsset {
  body: Buffer;
  type: string;
}

const ASSETS = new Map<string, PageAsset>();

/** `/`, `/cluster-view.js`, `/cluster-view.css`; undefined for anything else. */
export function pageAsset(urlPath: string): PageAsset | undefined {
  const name = urlPath === '/' ? 'index.html' : urlPath.slice(1);
  if (!/^[a-z-]+\.(html|js|css)$/.test(name)) return undefined;
  let asset = ASSETS.get(name);
  if (!asset) {
    let body: Buffer;
    try {
      body = readFileSync(path.join(PAGE_DIR, name));
    } catch {
      return undefined;
    }
    asset = { body, type: TYPES[path.extname(name)]! };
    ASSETS.set(name, asset);
  }
  return asset;
}
