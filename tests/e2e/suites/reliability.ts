/**
 * Reliability and the first minute, in the real page: hostile links (a sample of the unit fuzz test's generator)
 * never blank, break or widen the page; a lost GPU device is recovered from the last snapshot; 100 experiment
 * changes keep GPU buffers and heap flat; a checkpoint file opens; and on a software adapter the page without
 * a link learns a picture (the time from play to NFE 8 within 2x of the floor is printed).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { methodById } from '../../../src/methods/index.ts';
import { encodeCheckpoint, LossHistory } from '../../../src/train/checkpoint/index.ts';
import { resolveExperiment } from '../../../src/train/config.ts';
import { initialNetworkValues } from '../../../src/train/networks.ts';
import { parameterShapes } from '../../../src/train/parameters.ts';
import { paramsSchemaOf } from '../../../src/state/methods.ts';
import { decodeLink } from '../../../src/state/datasetUrl.ts';
import { linkArbitrary } from '../../state/linkArbitrary.ts';
import { assert, type E2eContext, type E2eSuite } from './suite.ts';

const LINKS = 200;

/**
 * Loads one link in the open page (notices dismissed, then `location.hash`) and reports what it left once React
 * has rendered (two timer turns). One evaluate per link: 200 links take seconds, and the worker's 250 ms rebuild debounce
 * builds only the sessions the page settles on.
 */
const LOAD_LINKS = `async (links) => {
  // timers, not animation frames: frames wait for the GPU process, which a software adapter keeps busy
  const settle = () => new Promise((r) => setTimeout(r, 0));
  const out = [];
  for (const [hash, expected] of links) {
    const t0 = performance.now();
    document.querySelectorAll('[data-testid=notice] button').forEach((b) => b.click());
    await settle();
    location.hash = hash;
    await settle();
    await settle();
    const box = document.querySelector('[data-testid=flow-canvas]')?.getBoundingClientRect();
    const notices = [...document.querySelectorAll('[data-testid=notice] span')].map((n) => n.textContent);
    out.push({
      text: document.body.textContent.length,
      canvas: box ? box.width * box.height : 0,
      notice: expected === '' || notices.includes(expected),
      injected:
        document.querySelectorAll('[data-injected], img[src="x"], svg[onload], script:not([src]):not([type])').length +
        (window.__pwned ? 1 : 0),
      overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      ms: performance.now() - t0,
    });
  }
  return out;
}`;

interface PageState {
  ms: number;
  text: number;
  canvas: number;
  notice: boolean;
  injected: number;
  overflow: number;
}

async function hostileLinks(ctx: E2eContext): Promise<string> {
  const page = await ctx.openPage(`${ctx.base}#v=1&dataset=8gaussians&method=fm&width=16&depth=1&batch=64`);
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await ctx.waitReady(page);
  const links = fc.sample(linkArbitrary, { numRuns: LINKS, seed: 7 });
  let withNotice = 0;
  const t0 = Date.now();
  const BATCH = 10;
  let pageMs = 0;
  for (let first = 0; first < links.length; first += BATCH) {
    const batch = links.slice(first, first + BATCH).map(({ hash }) => {
      const ignored = decodeLink(hash, paramsSchemaOf).ignored; // as the page reads a link (points included)
      const expected = ignored.length
        ? `Some fields of this link were ignored and use their defaults: ${ignored.join('; ')}.`
        : '';
      return [hash, expected] as const;
    });
    const states = (await page.evaluate(`(${LOAD_LINKS})(${JSON.stringify(batch)})`)) as PageState[];
    states.forEach((s, j) => {
      const [hash, expected] = batch[j];
      const where = `link ${first + j} (${hash.slice(0, 120)})`;
      assert(s.text > 100 && s.canvas > 10_000, `${where}: the page is blank`);
      assert(s.injected === 0, `${where}: markup from the link became an element`);
      assert(s.overflow <= 0, `${where}: the page is ${s.overflow} px wider than the window`);
      assert(s.notice, `${where}: no notice names its bad fields`);
      if (expected) withNotice++;
      pageMs += s.ms;
    });
    assert(errors.length === 0, `links ${first}..${first + BATCH - 1}: page error ${errors[0]}`);
    assert(dialogs.length === 0, `links ${first}..${first + BATCH - 1}: a dialog opened (${dialogs[0]})`);
  }
  // the experiment the page settled on builds (no 'Could not build' notice) and the page still draws
  await page.waitForTimeout(1500);
  const failed = page.locator('[data-testid=notice]', { hasText: /Could not build|Training stopped/ });
  if ((await failed.count()) > 0)
    throw new Error(`the last link's experiment failed: ${await failed.first().innerText()}`);
  await page.close();
  return `${LINKS} links in ${((Date.now() - t0) / 1000).toFixed(1)} s (${(pageMs / LINKS).toFixed(0)} ms each in the page), ${withNotice} with a notice; no blank page, error, dialog, injected element or overflow`;
}

/** The y values of the loss plot's first trace. */
const LOSS_Y = `Array.from(document.querySelector('[data-testid=loss-plot]')?.data?.[0]?.y ?? [])`;

/**
 * `?debug=lose-device` destroys the worker's device once training passes step 40: the page must say so, get a
 * new device, restore the last parameter snapshot and the experiment, and go on training.
 */
async function deviceLoss(ctx: E2eContext): Promise<string> {
  const hash = 'v=1&dataset=8gaussians&method=fm&seed=1&width=16&depth=1&batch=64&lr=0.003&steps=100000';
  const page = await ctx.openPage(`${ctx.url}?render=readback&debug=lose-device#${hash}`);
  await ctx.waitReady(page);
  await page.locator('[data-testid=steps-per-frame]').fill('40');
  await page.locator('[data-testid=play]:not([disabled])').click({ timeout: 60_000 });
  const lost = page.locator('[data-testid=notice]', { hasText: 'GPU device was lost' });
  await lost.waitFor({ timeout: 120_000 });
  const lostText = await lost.innerText();
  const from = Number(/step ([\d,]+)/.exec(lostText)?.[1].replace(/,/g, '') ?? NaN);
  assert(Number.isFinite(from) && from > 0, `the notice names no snapshot step: ${lostText}`);
  await page
    .locator('[data-testid=notice]', { hasText: 'Recovered on a new GPU device' })
    .waitFor({ timeout: 60_000 });
  await page.waitForFunction(
    `Number(document.querySelector('[data-testid=step-count]')?.textContent?.replace(/,/g, '')) >= ${from + 40}`,
    null,
    { timeout: 120_000 },
  );
  assert((await page.locator('[data-testid=device-lost]').count()) === 0, 'the device-lost overlay is shown');
  assert((await page.locator('[data-testid=pause]').count()) === 1, 'training did not go on by itself');
  const losses = (await page.evaluate(LOSS_Y)) as number[];
  const first = losses[0];
  const last = losses[losses.length - 1];
  await page.locator('[data-testid=pause]').click();
  await page.close();
  assert(last < first, `the restored run's loss ${last} is not below the first loss ${first}`);
  return `lost at step ~40, restored the snapshot of step ${from}, trained on past ${from + 40}; loss ${first.toFixed(3)} -> ${last.toFixed(3)}`;
}

/** [NFE-8 value, data floor] of the NFE plot's metric in the latest quality report, or null. */
const NFE8 = `(() => {
  const traces = Array.from(document.querySelector('[data-testid=nfe-plot]')?.data ?? []);
  const model = traces.find((t) => /^model/.test(String(t.name)));
  const floor = traces.find((t) => /^data floor/.test(String(t.name)));
  const i = model ? Array.from(model.x).map(String).indexOf('8') : -1;
  return i >= 0 && floor ? [model.y[i], floor.y[0], String(model.name)] : null;
})()`;

/** The NFE plot's shaded floor band (its low and high edge), or null. */
const FLOOR_BAND = `(() => {
  const traces = Array.from(document.querySelector('[data-testid=nfe-plot]')?.data ?? []);
  const lo = traces.find((t) => t.name === 'floor low');
  const hi = traces.find((t) => /^floor over/.test(String(t.name)));
  return lo && hi ? [lo.y[0], hi.y[0]] : null;
})()`;

/**
 * Seconds from "play" to that picture beyond which the first-minute check fails: measured 26-28 s on SwiftShader
 * with the machine's 2 cores shared by ~15 runnable processes (load average 14-15), so 90 s leaves 3x for CI.
 */
const FIRST_PICTURE_S = 90;

/**
 * A page opened without a link on a software adapter starts the small experiment and says why; measured: the
 * time from "play" to the first quality report whose NFE-8 samples are within 2x of the data floor.
 */
async function firstMinute(ctx: E2eContext): Promise<string> {
  const page = await ctx.openPage(ctx.base);
  await ctx.waitReady(page);
  const hint = page.locator('[data-testid=notice]', { hasText: 'software GPU' });
  await hint.waitFor({ timeout: 10_000 });
  await page.waitForFunction(`location.hash.includes('width=48')`, null, { timeout: 10_000 });
  const hash = await page.evaluate('location.hash');
  await page.locator('[data-testid=play]:not([disabled])').click({ timeout: 60_000 });
  const t0 = Date.now();
  let seen = '';
  for (;;) {
    const q = (await page.evaluate(NFE8)) as [number, number, string] | null;
    if (q) seen = `${q[2]}: NFE 8 ${q[0].toPrecision(3)}, floor ${q[1].toPrecision(3)}`;
    if (q && q[0] <= 2 * q[1]) break;
    if (Date.now() - t0 > FIRST_PICTURE_S * 1000) {
      const steps = await page.locator('[data-testid=step-count]').innerText();
      throw new Error(
        `no picture within 2x of the floor in ${FIRST_PICTURE_S} s (${steps} steps; last report: ${seen || 'none'})`,
      );
    }
    await page.waitForTimeout(500);
  }
  const seconds = (Date.now() - t0) / 1000;
  const steps = await page.locator('[data-testid=step-count]').innerText();
  const band = (await page.evaluate(FLOOR_BAND)) as [number, number] | null;
  if (!band || !(band[0] > 0 && band[1] > band[0]))
    throw new Error(
      `the NFE plot has no shaded floor band over independent data draws (got ${JSON.stringify(band)})`,
    );
  await page.locator('[data-testid=pause]').click();
  await page.close();
  console.log(
    `  first minute (SwiftShader): ${seconds.toFixed(1)} s from play to NFE 8 within 2x of the floor`,
  );
  const range = `floor band ${band[0].toPrecision(2)}-${band[1].toPrecision(2)}`;
  return `${String(hash).slice(0, 80)}...: ${seconds.toFixed(1)} s from play (${steps} steps) to ${seen} (${range})`;
}

const SOAK = 100;
/**
 * After warm-up (10 changes) the live GPU buffers and the page's JS heap may grow by at most this much. Both are
 * read once the paused model's quality report has landed, so that no read-back is in flight. The check found two
 * buffers leaked per data redraw, then one program per quality report that outlived its session (built after the
 * session was disposed); with both fixed it measures +0.
 */
const SOAK_BUFFERS = 4;
const SOAK_HEAP_MB = 8;

/**
 * 100 experiment changes and resets in a row (every 10th waits for the new session to build and step): the
 * worker's live GPU buffers and the page's JS heap (after a forced GC) stay flat; the figures are printed.
 */
async function soak(ctx: E2eContext): Promise<string> {
  const link = (i: number) =>
    `#v=1&dataset=${i % 4 === 0 ? 'moons' : '8gaussians'}&method=fm&seed=${i}&width=16&depth=1&batch=64&steps=100000`;
  const page = await ctx.openPage(`${ctx.base}${link(0)}`);
  await ctx.waitReady(page);
  const cdp = await page.context().newCDPSession(page);
  const measure = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    const buffers = Number(await page.locator('[data-testid=adapter]').getAttribute('data-gpu-buffers'));
    return { heapMb: usedSize / 2 ** 20, buffers };
  };
  const stepped = async () => {
    await page.locator('[data-testid=step]').click();
    await page.waitForFunction(
      `Number(document.querySelector('[data-testid=step-count]')?.textContent?.replace(/,/g, '')) >= 1`,
      null,
      { timeout: 60_000 },
    );
    // the paused model's quality report landed: its read-backs are freed and the status after it has the count
    await page.waitForFunction(
      `Array.from(document.querySelector('[data-testid=nfe-plot]')?.data ?? []).some((t) => /^model/.test(t.name))`,
      null,
      { timeout: 60_000 },
    );
    await page.waitForTimeout(300);
  };
  const t0 = Date.now();
  let warm = { heapMb: 0, buffers: 0 };
  for (let i = 1; i <= SOAK; i++) {
    if (i % 2 === 0) await page.evaluate(`location.hash = ${JSON.stringify(link(i))}`);
    else await page.locator('[data-testid=reset]').click();
    if (i % 10 === 0) await stepped();
    if (i === 10) warm = await measure();
  }
  const end = await measure();
  await page.close();
  const figures = `live GPU buffers ${warm.buffers} -> ${end.buffers} (bound +${SOAK_BUFFERS}), JS heap ${warm.heapMb.toFixed(1)} -> ${end.heapMb.toFixed(1)} MB (bound +${SOAK_HEAP_MB})`;
  console.log(
    `  soak (page): ${SOAK} changes/resets in ${((Date.now() - t0) / 1000).toFixed(0)} s; ${figures}`,
  );
  assert(warm.buffers > 0, 'the page reports no live GPU buffers: the counter is not wired');
  assert(end.buffers - warm.buffers <= SOAK_BUFFERS, `GPU buffers grew: ${figures}`);
  assert(end.heapMb - warm.heapMb <= SOAK_HEAP_MB, `the heap grew: ${figures}`);
  return figures;
}

/** A checkpoint written as `flowmap-lab train` writes it, opened with the file button; a bad file is named. */
async function openCheckpoint(ctx: E2eContext): Promise<string> {
  const config = resolveExperiment({
    method: 'fm',
    dataset: 'moons',
    seed: 4,
    net: { width: 16, depth: 1 },
    train: { batch: 64, steps: 500 },
  });
  const method = methodById('fm');
  const values = initialNetworkValues(method, config);
  const shapes = parameterShapes(method, config);
  const params = new Map(
    Object.entries(values)
      .filter(([k]) => k in shapes)
      .map(([k, v]) => [k, { shape: shapes[k], data: Float32Array.from(v) }]),
  );
  const good = join(ctx.artifacts, 'fm-moons.safetensors');
  const history = new LossHistory(); // as `flowmap-lab train` records it
  for (let step = 20; step <= 200; step += 20)
    history.add({ step, stage: 'student', losses: { loss: 2 / step }, stepsPerSecond: 1, diverged: false });
  await writeFile(good, encodeCheckpoint(params, config, { step: '200', history: history.encode() }));
  const bad = join(ctx.artifacts, 'not-a-checkpoint.safetensors');
  await writeFile(bad, 'plain text');
  const page = await ctx.openPage(`${ctx.base}#v=1&dataset=8gaussians&method=fm&width=16&depth=1&batch=64`);
  await ctx.waitReady(page);
  await page.locator('[data-testid=checkpoint-input]').setInputFiles(bad);
  await page
    .locator('[data-testid=notice]', { hasText: 'not-a-checkpoint.safetensors' })
    .waitFor({ timeout: 10_000 });
  await page.locator('[data-testid=checkpoint-input]').setInputFiles(good);
  await page
    .locator('[data-testid=notice]', { hasText: 'Loaded fm-moons.safetensors' })
    .waitFor({ timeout: 10_000 });
  assert(
    (await page.locator('[data-testid=dataset]').inputValue()) === 'moons',
    "the dataset is not the checkpoint's",
  );
  await page.waitForFunction(
    `location.hash.includes('dataset=moons') && location.hash.includes('seed=4')`,
    null,
    {
      timeout: 10_000,
    },
  );
  await page.waitForFunction(
    `Number(document.querySelector('[data-testid=step-count]')?.textContent?.replace(/,/g, '')) === 200`,
    null,
    { timeout: 60_000 },
  );
  await page.waitForFunction(
    `(document.querySelector('[data-testid=loss-plot]')?.data?.[0]?.y ?? []).length === 10`,
    null,
    { timeout: 10_000 },
  );
  const failed = page.locator('[data-testid=notice]', { hasText: /Could not build|Training stopped/ });
  if ((await failed.count()) > 0) throw new Error(await failed.first().innerText());
  await page.close();
  return 'a bad file is named in a notice; the checkpoint sets config, link, step 200 and its 10-point loss history';
}

export const reliabilitySuite: E2eSuite = async (ctx) => {
  await ctx.check('hostile links never blank, break or widen the page', () => hostileLinks(ctx));
  await ctx.check('a lost GPU device mid-training is recovered: snapshot restored, training goes on', () =>
    deviceLoss(ctx),
  );
  await ctx.check('100 experiment changes and resets keep GPU buffers and the heap flat', () => soak(ctx));
  await ctx.check('a .safetensors checkpoint opens in the page with its config', () => openCheckpoint(ctx));
  await ctx.check('on a software adapter the page without a link learns a picture (time printed)', () =>
    firstMinute(ctx),
  );
};
