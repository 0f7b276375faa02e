import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';

/** Debian's chromium (.ci/run installs it when absent). */
export const CHROMIUM = '/usr/bin/chromium';
/** Screenshots kept as CI artifacts (dist/ is the build's output, never committed). */
export const SCREENSHOT_DIR = path.resolve(__dirname, '../../observe-screenshots');

/** A headless Chromium, or the reason there is none (the test skips and prints it). */
export async function launchChromium(): Promise<{ browser: Browser } | { skip: string }> {
  if (!existsSync(CHROMIUM)) return { skip: `${CHROMIUM} is not installed (Debian package chromium; .ci/run installs it)` };
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
    timeout: 60_000,
  });
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  return { browser };
}
