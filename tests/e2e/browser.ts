/** Headless Chromium for the e2e suite and the screenshot script: the flags and a fresh profile per launch. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const FLAGS = [
  '--no-sandbox',
  '--disable-gpu-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** A fresh profile each launch (a persistent context on a new temporary user-data-dir). */
export async function launch(
  webgpu: boolean,
  viewport = { width: 1280, height: 1000 },
): Promise<{ browser: BrowserContext; profile: string }> {
  const profile = await mkdtemp(join(tmpdir(), 'flowmap-e2e-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: [...(webgpu ? ['--enable-unsafe-webgpu'] : []), ...FLAGS],
    viewport,
    deviceScaleFactor: 1,
  });
  return { browser, profile };
}

/**
 * Frames per second of the main thread over `ms`, counted with requestAnimationFrame. The page functions are
 * strings: the TypeScript loader would otherwise wrap them in helpers that do not exist in the page.
 */
export async function mainThreadFps(page: Page, ms: number): Promise<number> {
  return page.evaluate(`new Promise((done) => {
    let frames = 0;
    const t0 = performance.now();
    const tick = (t) => { frames++; if (t - t0 < ${ms}) requestAnimationFrame(tick); else done((frames * 1000) / (t - t0)); };
    requestAnimationFrame(tick);
  })`) as Promise<number>;
}

/** The step count the run bar shows. */
export async function stepCount(page: Page): Promise<number> {
  return Number((await page.locator('[data-testid=step-count]').innerText()).replace(/,/g, ''));
}
