/**
 * End-to-end tests of the built playground in headless Chromium (playwright-core driving /usr/bin/chromium,
 * WebGPU on SwiftShader). dist/ is served under a sub-path. Screenshots go to test-artifacts/e2e/.
 * Ends with `e2e: N passed, M failed` and a non-zero exit code on failure.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launch, mainThreadFps } from './browser.ts';
import { divergingRun, METHOD_IDS, trainMethod } from './methods.ts';
import { decodeExperiment } from '../../src/state/url.ts';
import { inkFraction, inkGrid, PNG, type Region } from './pixels.ts';
import { serveStatic } from './server.ts';
import { SUITES } from './suites/index.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const ARTIFACTS = join(ROOT, 'test-artifacts/e2e');
const BACKGROUND: [number, number, number] = [251, 251, 249];

interface Result {
  name: string;
  ok: boolean;
  detail: string;
}
const results: Result[] = [];
const consoleErrors: string[] = [];

/**
 * E2E_ONLY=regex runs only the checks whose names match, plus the first (it finds whether training is in the
 * build) and 'no console errors': a developer's filter; CI runs every check.
 * E2E_WARN=1 also prints the page's console warnings (a developer's trace).
 */
const ONLY = process.env.E2E_ONLY ? new RegExp(process.env.E2E_ONLY, 'i') : null;
const ALWAYS = new Set([
  'the default experiment loads from a sub-path and draws data on the GPU',
  'no console errors',
]);

async function check(name: string, body: () => Promise<string | void>): Promise<void> {
  if (ONLY && !ONLY.test(name) && !ALWAYS.has(name)) return;
  const t0 = Date.now();
  try {
    const detail = (await body()) ?? '';
    results.push({ name, ok: true, detail });
    console.log(`  ok   ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)${detail ? ` - ${detail}` : ''}`);
  } catch (e) {
    const detail = e instanceof Error ? (process.env.E2E_STACK ? String(e.stack) : e.message) : String(e);
    results.push({ name, ok: false, detail });
    console.log(`  FAIL ${name}: ${detail}`);
  }
}

function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

async function openPage(browser: BrowserContext, url: string): Promise<Page> {
  const page = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'warning' && process.env.E2E_WARN) console.log('  [page warn]', m.text());
    if (m.type() === 'error') consoleErrors.push(`${url.slice(url.indexOf('/lab/'))}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`${url}: ${e.message}`));
  await page.goto(url);
  return page;
}

async function waitReady(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid=adapter]', { timeout: 60_000 });
}

async function canvasRegion(page: Page): Promise<Region> {
  const box = await page.locator('[data-testid=flow-canvas]').boundingBox();
  assert(box, 'the canvas is not on the page');
  return { x: box.x + 2, y: box.y + 2, width: box.width - 4, height: box.height - 4 };
}

/**
 * Screenshot of the page and the ink fraction of the canvas region. The worker draws asynchronously (a resize
 * clears the canvas until the next frame is read back), so screenshots are retaken for up to 20 s until the
 * canvas shows ink; a canvas that stays blank fails.
 */
async function canvasInk(page: Page, file: string): Promise<{ ink: number; grid: number[] }> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    await page.waitForTimeout(1000);
    const png = PNG.sync.read(await page.screenshot({ path: join(ARTIFACTS, file), fullPage: true }));
    const region = await canvasRegion(page);
    const ink = inkFraction(png, region, BACKGROUND);
    if (ink > 0.01 || Date.now() > deadline) return { ink, grid: inkGrid(png, region, BACKGROUND) };
  }
}

/** The y values of the first trace of the loss plot (plotly keeps them on the element). */
const LOSS_Y = `(document.querySelector('[data-testid=loss-plot]')?.data?.[0]?.y ?? [])`;

async function main(): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  const server = await serveStatic(join(ROOT, 'dist'), '/lab/');
  const base = `${server.url}?render=readback`;
  const { browser, profile } = await launch(true);
  let trainingAvailable = false;
  try {
    await check('the default experiment loads from a sub-path and draws data on the GPU', async () => {
      const page = await openPage(browser, base);
      await waitReady(page);
      const adapter = await page.locator('[data-testid=adapter]').innerText();
      const { ink } = await canvasInk(page, 'default.png');
      trainingAvailable = (await page.locator('.hint').count()) === 0;
      assert(ink > 0.01, `the canvas is blank (ink ${ink.toFixed(4)})`);
      assert(ink < 0.9, `the canvas is flooded (ink ${ink.toFixed(4)})`);
      await page.close();
      return `${adapter}; canvas ink ${(100 * ink).toFixed(1)} %; training ${trainingAvailable ? 'available' : 'not in this build'}`;
    });

    await check(
      'without the debug flag the page detects that the canvas cannot present and still draws',
      async () => {
        const page = await openPage(browser, server.url);
        await waitReady(page);
        const adapter = await page.locator('[data-testid=adapter]').innerText();
        const { ink } = await canvasInk(page, 'auto-detect.png');
        await page.close();
        assert(ink > 0.01, `the canvas is blank without ?render=readback (${adapter})`);
        return `${adapter}; ink ${(100 * ink).toFixed(1)} %`;
      },
    );

    await check('a shared link opens the same experiment and draws its dataset', async () => {
      const hash =
        'v=1&dataset=checkerboard&method=fm&seed=3&width=64&depth=2&act=tanh&batch=512&lr=0.002&hide=presets';
      const page = await openPage(browser, `${base}#${hash}`);
      await waitReady(page);
      assert(
        (await page.locator('[data-testid=dataset]').inputValue()) === 'checkerboard',
        'dataset select is not checkerboard',
      );
      assert((await page.locator('[data-testid=method]').inputValue()) === 'fm', 'method select is not fm');
      assert(
        (await page.locator('[data-testid^=preset-]').count()) === 0,
        'hide=presets did not hide the gallery',
      );
      const back = decodeExperiment(new URL(page.url()).hash);
      const sent = decodeExperiment(hash);
      // the page writes the method's default hyperparameters into the link as well; everything else is identical
      const { params: pageParams, ...pageRest } = back.config;
      const { params: sentParams, ...sentRest } = sent.config;
      assert(
        JSON.stringify(pageRest) === JSON.stringify(sentRest),
        `the page's link differs: ${new URL(page.url()).hash}`,
      );
      assert(
        Object.keys(sentParams).every((k) => k in pageParams),
        'method parameters of the link were lost',
      );
      assert(back.hide.join() === 'presets', 'hide flags lost');
      const { ink, grid } = await canvasInk(page, 'shared-checkerboard.png');
      assert(ink > 0.01, 'the canvas is blank');
      // checkerboard: ink in alternating cells of the 8 x 8 grid (squares of side 2 over [-4, 4]^2 on a 9-unit view)
      const spread = Math.max(...grid) - Math.min(...grid);
      assert(spread > 0.05, `no structure in the picture (cell ink spread ${spread.toFixed(3)})`);
      await page.close();
      return `link round trip exact; ink ${(100 * ink).toFixed(1)} %`;
    });

    await check('a broken link shows a notice naming what was ignored and still draws', async () => {
      const page = await openPage(browser, `${base}#v=1&dataset=circles&width=abc&colour=red&seed=5`);
      await waitReady(page);
      const notice = await page.locator('[data-testid=notice]').first().innerText();
      for (const name of ['circles', 'width=abc', 'colour'])
        assert(notice.includes(name), `the notice does not name ${name}: ${notice}`);
      assert(
        (await page.locator('[data-testid=seed]').inputValue()) === '5',
        'the good field (seed) was not kept',
      );
      const { ink } = await canvasInk(page, 'broken-link.png');
      assert(ink > 0.01, 'the canvas is blank after a broken link');
      await page.close();
      return `notice: "${notice.slice(0, 90)}..."`;
    });

    await check('play trains (loss falls) or says honestly that training is not available', async () => {
      const page = await openPage(
        browser,
        `${base}#v=1&dataset=8gaussians&method=fm&seed=1&width=32&depth=2&batch=256&lr=0.003`,
      );
      await waitReady(page);
      await page.waitForSelector('[data-testid=loss-plot].js-plotly-plot', { timeout: 60_000 }); // plotly parsed
      await page.waitForTimeout(1000);
      const fpsIdle = await mainThreadFps(page, 2000);
      await page.locator('[data-testid=play]').click();
      if (!trainingAvailable) {
        const notice = await page.locator('[data-testid=notice]').first().innerText();
        assert(/not available/i.test(notice), `play did not explain that training is unavailable: ${notice}`);
        await page.screenshot({ path: join(ARTIFACTS, 'no-training.png'), fullPage: true });
        await page.close();
        console.log(
          `  main-thread fps: ${fpsIdle.toFixed(1)} idle (training unavailable, not measured while training)`,
        );
        return 'training not in this build: the page says so';
      }
      await page.waitForFunction(
        `Number(document.querySelector('[data-testid=step-count]')?.textContent?.replace(/,/g, '')) >= 20`,
        null,
        { timeout: 120_000 },
      );
      const fpsTraining = await mainThreadFps(page, 2000);
      await page.waitForFunction(`${LOSS_Y}.length >= 6`, null, { timeout: 120_000 });
      const losses = (await page.evaluate(`Array.from(${LOSS_Y})`)) as number[];
      const first = losses.slice(0, 2).reduce((a, b) => a + b) / 2;
      const last = losses.slice(-2).reduce((a, b) => a + b) / 2;
      const steps = await page.locator('[data-testid=step-count]').innerText();
      const { ink } = await canvasInk(page, 'training.png');
      await page.locator('[data-testid=pause]').click();
      await page.close();
      console.log(`  main-thread fps: ${fpsIdle.toFixed(1)} idle, ${fpsTraining.toFixed(1)} while training`);
      assert(last < first, `the loss did not fall: first ${first}, last ${last}`);
      assert(ink > 0.01, 'blank canvas while training');
      return `loss ${first.toFixed(3)} -> ${last.toFixed(3)} over ${steps} steps`;
    });

    if (trainingAvailable) {
      const page = await openPage(browser, `${base}#v=1&dataset=8gaussians&method=fm&hide=presets`);
      await waitReady(page);
      for (const method of METHOD_IDS)
        await check(`${method} trains in the page: loss terms, quality plots, stages`, () =>
          trainMethod(page, method),
        );
      await check('a diverging run (lr = 1) is paused with a message and keeps the experiment', () =>
        divergingRun(page),
      );
      await page.close();
    }

    const ctx = {
      browser,
      base,
      url: server.url,
      artifacts: ARTIFACTS,
      check,
      openPage: (url: string) => openPage(browser, url),
      waitReady,
    };
    for (const suite of SUITES) await suite(ctx);

    await check('no console errors', async () => {
      assert(consoleErrors.length === 0, consoleErrors.join('\n'));
    });
  } finally {
    await browser.close();
    await rm(profile, { recursive: true, force: true });
  }

  await check('without WebGPU the page explains what to do', async () => {
    const { browser: plain, profile: p2 } = await launch(false);
    try {
      const page = await plain.newPage();
      await page.goto(`${server.url}#v=1&dataset=moons`);
      await page.waitForSelector('[data-testid=no-webgpu]', { timeout: 30_000 });
      const text = await page.locator('[data-testid=no-webgpu]').innerText();
      await page.screenshot({ path: join(ARTIFACTS, 'no-webgpu.png') });
      assert(
        /Chrome/.test(text) && /enable-unsafe-webgpu/.test(text),
        `the explanation lacks the browser and flag: ${text}`,
      );
      assert(new URL(page.url()).hash.includes('dataset=moons'), 'the experiment link was lost');
    } finally {
      await plain.close();
      await rm(p2, { recursive: true, force: true });
    }
  });

  await server.close();
  const failed = results.filter((r) => !r.ok).length;
  await writeFile(join(ARTIFACTS, 'results.json'), JSON.stringify(results, null, 2));
  console.log(`e2e: ${results.length - failed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  console.log('e2e: 0 passed, 1 failed');
  process.exit(1);
});
