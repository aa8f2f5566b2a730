/**
 * Screenshots of the playground for the README (`npm run screenshots`): builds nothing itself (the npm script
 * builds first), serves dist/, and for each shot opens its link in headless Chromium and sets the view. A
 * shot trained in the page plays until the sample-quality metric at the shot's NFE is near the data floor or
 * the run's step budget is spent (or a time cap), pauses and waits for the paused model's quality report. A
 * `headless` shot - samples that a software adapter cannot make clean in minutes in the page - is trained by
 * `flowmap-lab train --url HASH --out runs/screenshots/<name>` first (its whole step budget, on the Node
 * adapter), and its checkpoint is opened in the page, which then reports that model's quality. The page is
 * saved to docs/screenshots/<name>.png. `SHOTS=a,b` takes only those; `SHOT_MAX_S` caps each in-page shot's
 * training time; `SHOT_REUSE=1` opens a checkpoint trained before instead of training it again.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { launch, stepCount } from './browser.ts';
import { inkFraction, PNG } from './pixels.ts';
import { serveStatic } from './server.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const OUT = join(ROOT, 'docs/screenshots');
const BACKGROUND: [number, number, number] = [251, 251, 249];

interface Shot {
  name: string;
  /** the experiment link; `steps=` is the step budget */
  hash: string;
  /** NFE button to press; the quality metric is watched at this NFE */
  nfe: '1' | '2' | '4' | '8' | 'teacher';
  /** view toggles to switch on (test ids) */
  show: string[];
  /** stop when the metric is within this factor of the data floor (in-page shots) */
  nearFloor: number;
  /** trained headless by the CLI for the whole step budget, then opened in the page as a checkpoint */
  headless?: boolean;
}

export const SHOTS: Shot[] = [
  {
    name: 'meanflow-distill-8gaussians-1nfe',
    hash: 'v=1&dataset=8gaussians&method=meanflowDistill&teacher=analytic&seed=1&width=128&depth=4&batch=512&lr=0.002&ema=0.999&sched=cosine&steps=40000&p.timeDist=uniform&p.ratioEqual=0.25&p.adaptiveP=0',
    nfe: '1',
    show: [],
    nearFloor: 1,
    headless: true,
  },
  {
    name: 'fm-checkerboard-paths',
    hash: 'v=1&dataset=checkerboard&method=fm&seed=1&width=128&depth=3&batch=256&lr=0.001&ema=0.9995&steps=64000&tnfe=32&p.timeDist=logitNormal&p.timeMean=-1&p.timeStd=1.2',
    nfe: 'teacher',
    show: ['show-paths'],
    nearFloor: 1,
    headless: true,
  },
  {
    name: 'tvm-8gaussians-field',
    hash: 'v=1&dataset=8gaussians&method=tvm&seed=1&width=128&depth=4&batch=256&lr=0.002&ema=0.99&sched=cosine&steps=30000',
    nfe: '1',
    show: ['show-field'],
    nearFloor: 1,
    headless: true,
  },
];

/** Trains `shot` with the CLI (or reuses its checkpoint with SHOT_REUSE=1); the checkpoint's path. */
function trainHeadless(shot: Shot): string {
  const dir = join(ROOT, 'runs/screenshots', shot.name);
  const file = join(dir, 'checkpoint.safetensors');
  if (process.env.SHOT_REUSE && existsSync(file)) return file;
  console.log(`  ${shot.name}: flowmap-lab train --url '${shot.hash}' --out ${dir}`);
  execFileSync(
    process.execPath,
    [join(ROOT, 'bin/flowmap-lab.js'), 'train', '--url', shot.hash, '--out', dir],
    { stdio: 'inherit' },
  );
  return file;
}

/** The latest value of the quality plot's line for `nfe`, its step, and the data floor (null before a report). */
async function quality(
  page: Page,
  nfe: string,
): Promise<{ step: number; value: number; floor: number } | null> {
  return page.evaluate(`(() => {
    const el = document.querySelector('[data-testid=quality-plot]');
    const trace = (el?.data ?? []).find((t) => /${nfe === 'teacher' ? '^(teacher|ODE)' : `^NFE ${nfe}$`}/.test(t.name ?? ''));
    const floor = el?.layout?.shapes?.[0]?.y0;
    if (!trace || !trace.y.length || floor === undefined) return null;
    return { step: trace.x[trace.x.length - 1], value: trace.y[trace.y.length - 1], floor };
  })()`) as Promise<{ step: number; value: number; floor: number } | null>;
}

/** Plays in the page until the metric nears the floor, the step budget is spent or `maxMs` passes; pauses. */
async function playInPage(page: Page, shot: Shot, maxMs: number): Promise<string> {
  await page.locator('[data-testid=play]').click();
  const budget = Number(/(?:^|&)steps=(\d+)/.exec(shot.hash)?.[1] ?? Infinity);
  const t0 = Date.now();
  let why = 'time cap';
  for (;;) {
    await page.waitForTimeout(3000);
    const step = await stepCount(page);
    const q = await quality(page, shot.nfe);
    const line = q
      ? `sw2 ${q.value.toFixed(3)} (floor ${q.floor.toFixed(3)}) at step ${q.step}`
      : 'no report yet';
    console.log(`  ${shot.name}: step ${step}, ${line}, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    if (step >= budget) {
      why = 'step budget';
      break;
    }
    if (q && q.value <= shot.nearFloor * q.floor) {
      why = 'near the data floor';
      break;
    }
    if (Date.now() - t0 > maxMs) break;
  }
  if ((await page.locator('[data-testid=pause]').count()) > 0)
    await page.locator('[data-testid=pause]').click();
  return why;
}

/** Opens the shot's CLI-trained checkpoint with the page's file button; the page shows that model. */
async function openTrained(page: Page, shot: Shot): Promise<string> {
  const file = trainHeadless(shot);
  await page.locator('[data-testid=checkpoint-input]').setInputFiles(file);
  await page.locator('[data-testid=notice]', { hasText: 'Loaded ' }).waitFor({ timeout: 30_000 });
  await page.waitForFunction(
    `Number(document.querySelector('[data-testid=step-count]')?.textContent?.replace(/,/g, '')) > 0`,
    null,
    { timeout: 60_000 },
  ); // the checkpoint's step
  return 'trained headless by flowmap-lab train, opened as a checkpoint';
}

async function take(page: Page, base: string, shot: Shot, maxMs: number): Promise<string> {
  await page.goto(`${base}#${shot.hash}`);
  await page.waitForSelector('[data-testid=adapter]', { timeout: 60_000 });
  await page.waitForSelector('[data-testid=quality-plot].js-plotly-plot', { timeout: 60_000 });
  await page.locator('[data-testid=steps-per-frame]').fill('1000'); // the most steps per frame
  const view = async () => {
    await page.locator(`[data-testid=nfe-${shot.nfe}]`).click();
    for (const id of shot.show) await page.locator(`[data-testid=${id}]`).locator('xpath=..').click(); // its label
  };
  let why: string;
  if (shot.headless) {
    why = await openTrained(page, shot);
    await view();
  } else {
    await view();
    why = await playInPage(page, shot, maxMs);
  }
  const final = await stepCount(page);
  // the paused model's own quality report, so that the plots end where the picture is
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline && ((await quality(page, shot.nfe))?.step ?? -1) < final)
    await page.waitForTimeout(1000);
  await page.waitForTimeout(2000); // a drawn frame of the paused model
  // the notices of a finished run, an opened checkpoint and a software adapter go (they move the canvas down);
  // any other notice is a problem to fix, not to hide
  for (const text of ['Training finished', 'Loaded ', 'software GPU']) {
    const done = page.locator('[data-testid=notice]', { hasText: text });
    if ((await done.count()) > 0) await done.locator('button').click();
  }
  const others = await page.locator('[data-testid=notice]').allInnerTexts();
  if (others.length > 0) throw new Error(`${shot.name}: the page shows notices: ${others.join(' | ')}`);
  // the layout moved: the canvas is redrawn by the worker; retake until it shows ink
  const file = join(OUT, `${shot.name}.png`);
  const row = await page.locator('.plot-row').boundingBox();
  const clip = { x: 0, y: 0, width: 1280, height: Math.ceil((row?.y ?? 0) + (row?.height ?? 1000) + 16) };
  for (let tries = 0; ; tries++) {
    await page.waitForTimeout(2000);
    const png = PNG.sync.read(await page.screenshot({ path: file, fullPage: true, clip }));
    const box = await page.locator('[data-testid=flow-canvas]').boundingBox();
    const region = { x: box!.x + 2, y: box!.y + 2, width: box!.width - 4, height: box!.height - 4 };
    if (inkFraction(png, region, BACKGROUND) > 0.01) break;
    if (tries > 15) throw new Error(`${shot.name}: the canvas stayed blank`);
  }
  const q = await quality(page, shot.nfe);
  return `${file}: ${final} steps (${why}); sw2 at NFE ${shot.nfe} ${q?.value.toFixed(3)}, floor ${q?.floor.toFixed(3)}`;
}

/**
 * Meta Flow Maps views from a checkpoint trained headless (`flowmap-lab train`, lavapipe: a few minutes; training
 * in the page on SwiftShader would take far longer), opened with `?checkpoint=`; the link sets the point or reward.
 */
const MFM_TRAIN_URL =
  'method=mfm&dataset=gmm3&teacher=analytic&width=128&depth=3&batch=256&lr=0.002&steps=4000&ema=0.99&seed=1';
const MFM_RUN = join(ROOT, 'runs/screenshot-mfm');
export const MFM_SHOTS = [
  { name: 'mfm-posterior', view: 'post=-1.2,-1.2&pt=0.6', readout: 'posterior-readout' },
  { name: 'mfm-reward', view: 'reward=1.2,-0.8:-1:0.2&est=iwae&mc=32', readout: 'reward-readout' },
];

async function mfmCheckpoint(): Promise<string> {
  const file = join(MFM_RUN, 'checkpoint.safetensors');
  const exists = await stat(file).then(
    () => true,
    () => false,
  );
  if (!exists)
    execFileSync('npx', ['flowmap-lab', 'train', '--url', MFM_TRAIN_URL, '--out', MFM_RUN], {
      cwd: ROOT,
      stdio: 'inherit',
    });
  await copyFile(file, join(ROOT, 'dist/screenshot-mfm.safetensors'));
  return 'screenshot-mfm.safetensors';
}

async function takeMfm(
  page: Page,
  base: string,
  shot: (typeof MFM_SHOTS)[number],
  ck: string,
): Promise<string> {
  await page.goto(
    `${base}&checkpoint=${ck}#v=1&method=mfm&dataset=gmm3&teacher=analytic&${shot.view}&hide=presets`,
  );
  await page.waitForSelector('[data-testid=adapter]', { timeout: 60_000 });
  await page.waitForSelector('[data-testid=quality-plot].js-plotly-plot', { timeout: 60_000 });
  await page.locator('[data-testid=show-samples]').locator('xpath=..').click(); // the unconditional samples off
  const readout = page.locator(`[data-testid=${shot.readout}]`);
  const deadline = Date.now() + 180_000;
  while ((await readout.getAttribute('data-step')) === null) {
    if (Date.now() > deadline) throw new Error(`${shot.name}: no readout (${await readout.innerText()})`);
    await page.waitForTimeout(1000);
  }
  const loaded = page.locator('[data-testid=notice]', { hasText: /^Loaded|software GPU/ });
  while ((await loaded.count()) > 0) await loaded.first().locator('button').click();
  const others = await page.locator('[data-testid=notice]').allInnerTexts();
  if (others.length > 0) throw new Error(`${shot.name}: the page shows notices: ${others.join(' | ')}`);
  const file = join(OUT, `${shot.name}.png`);
  const panel = await page.locator('[data-testid=mfm-panel]').boundingBox();
  await page.waitForTimeout(3000); // the layout moved: a frame drawn again
  await page.screenshot({
    path: file,
    fullPage: true,
    clip: { x: 0, y: 0, width: 1280, height: Math.ceil(panel!.y + panel!.height + 16) },
  });
  return `${file}: ${await readout.innerText()}`;
}

async function main(): Promise<void> {
  const only = process.env.SHOTS?.split(',');
  const maxMs = 1000 * Number(process.env.SHOT_MAX_S ?? 240);
  const server = await serveStatic(join(ROOT, 'dist'), '/lab/');
  const { browser, profile } = await launch(true, { width: 1280, height: 1000 });
  try {
    for (const shot of SHOTS.filter((s) => !only || only.includes(s.name))) {
      const page = await browser.newPage();
      page.on('pageerror', (e) => console.log(`  page error: ${e.message}`));
      console.log(await take(page, `${server.url}?render=readback`, shot, maxMs));
      await page.close();
    }
    const mfm = MFM_SHOTS.filter((s) => !only || only.includes(s.name));
    const ck = mfm.length > 0 ? await mfmCheckpoint() : '';
    for (const shot of mfm) {
      const page = await browser.newPage();
      page.on('pageerror', (e) => console.log(`  page error: ${e.message}`));
      console.log(await takeMfm(page, `${server.url}?render=readback`, shot, ck));
      await page.close();
    }
  } finally {
    await browser.close();
    await rm(profile, { recursive: true, force: true });
    await server.close();
  }
}

await main();
