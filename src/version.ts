import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The package version, read once from package.json (dist/src/ → repository root). */
export const VERSION: string = (JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { version: string }).version;
