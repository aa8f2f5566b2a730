/**
 * Your own distribution in the page: a scripted brush stroke becomes the 'points' dataset, FM trains on it,
 * and the link carries it; a CSV loads through the file input and by drag and drop, and a bad one is named.
 * Tiny shapes (SwiftShader).
 */
import type { Page } from 'playwright-core';
import { join } from 'node:path';
import { stepCount } from '../browser.ts';
import { inkFraction, PNG } from '../pixels.ts';
import { decodeLink } from '../../../src/state/datasetUrl.ts';
import { assert, type E2eSuite } from './suite.ts';

const TINY = 'method=fm&seed=1&width=16&depth=1&batch=64&lr=0.003&steps=24&hide=presets';

async function pointsCount(page: Page): Promise<number> {
  await page.waitForSelector('[data-testid=points-info]', { timeout: 20_000 });
  const text = await page.locator('[data-testid=points-info]').innerText();
  return Number(/^(\d+) points/.exec(text)?.[1] ?? 0);
}

/** Drags the brush across the canvas along a letter V. */
async function strokeV(page: Page): Promise<void> {
  const box = await page.locator('[data-testid=flow-canvas]').boundingBox();
  assert(box, 'no canvas');
  const at = (fx: number, fy: number) => [box.x + fx * box.width, box.y + fy * box.height] as const;
  await page.locator('[data-testid=draw-draw]').click();
  await page.mouse.move(...at(0.25, 0.25));
  await page.mouse.down();
  for (let i = 1; i <= 20; i++) await page.mouse.move(...at(0.25 + (0.25 * i) / 20, 0.25 + (0.5 * i) / 20));
  for (let i = 1; i <= 20; i++) await page.mouse.move(...at(0.5 + (0.25 * i) / 20, 0.75 - (0.5 * i) / 20));
  await page.mouse.up();
  await page.locator('[data-testid=draw-draw]').click(); // back to pan
}

const CSV = [
  'x,y',
  ...Array.from({ length: 300 }, (_, i) => `${Math.cos(i / 15) * 3},${Math.sin(i / 10) * 2}`),
].join('\n');

export const compareSuite: E2eSuite = async ({ base, artifacts, check, openPage, waitReady }) => {
  await check(
    'a scripted stroke draws a dataset that FM trains on and that round-trips through the link',
    async () => {
      const page = await openPage(`${base}#v=1&dataset=moons&${TINY}`);
      await waitReady(page);
      await strokeV(page);
      const n = await pointsCount(page);
      assert(n > 50, `the stroke drew ${n} points`);
      assert(
        (await page.locator('[data-testid=dataset]').inputValue()) === 'points',
        'dataset is not points',
      );
      const hash = new URL(page.url()).hash;
      const decoded = decodeLink(hash);
      assert(decoded.ignored.length === 0, `the link has ignored fields: ${decoded.ignored.join('; ')}`);
      assert(
        decoded.config.points?.xy.length === 2 * n,
        `the link holds ${decoded.config.points?.xy.length} values for ${n} points`,
      );
      await page.locator('[data-testid=steps-per-frame]').fill('80');
      await page.locator('[data-testid=play]:not([disabled])').click({ timeout: 30_000 });
      const deadline = Date.now() + 90_000;
      while ((await stepCount(page)) < 24) {
        assert(Date.now() < deadline, `stuck at step ${await stepCount(page)}`);
        await page.waitForTimeout(200);
      }
      await page.waitForFunction(
        `Array.from(document.querySelector('[data-testid=quality-plot]')?.data ?? []).some((t) => t.name === 'NFE 1' && (t.y ?? []).some(Number.isFinite))`,
        null,
        { timeout: 60_000 },
      );
      await page.screenshot({ path: join(artifacts, 'drawn-dataset.png'), fullPage: true });
      const again = await openPage(`${base}${hash}`);
      await waitReady(again);
      const m = await pointsCount(again);
      assert(m === n, `the reopened link has ${m} points, not ${n}`);
      const back = decodeLink(new URL(again.url()).hash);
      assert(
        JSON.stringify(back.config.points) === JSON.stringify(decoded.config.points),
        'the reopened page wrote different points into its link',
      );
      await again.close();
      await page.close();
      return `${n} points, link ${hash.length} characters; FM trained 24 steps with a quality report`;
    },
  );

  await check('a CSV loads by the file input and by drag and drop; a bad line is named', async () => {
    const page = await openPage(`${base}#v=1&${TINY}`);
    await waitReady(page);
    await page.locator('[data-testid=points-file]').setInputFiles({
      name: 'loop.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(CSV),
    });
    assert((await pointsCount(page)) === 300, 'the file input did not load 300 points');
    await page.evaluate((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'dropped.csv', { type: 'text/csv' }));
      const frame = document.querySelector('[data-testid=canvas-frame]')!;
      frame.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      frame.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, 'x,y\n1,1\n-1,-1\n2,0\n');
    await page.waitForFunction(
      `/^3 points/.test(document.querySelector('[data-testid=points-info]')?.textContent ?? '')`,
      null,
      { timeout: 30_000 },
    );
    await page.locator('[data-testid=points-file]').setInputFiles({
      name: 'bad.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('x,y\n1,2\n3,oops\n'),
    });
    const bad = page.locator('[data-testid=notice]', { hasText: 'bad.csv' });
    await bad.waitFor({ timeout: 30_000 });
    const text = await bad.innerText();
    assert(/line 3/.test(text), `the notice does not name line 3: ${text}`);
    assert((await pointsCount(page)) === 3, 'a bad file replaced the points');
    await page.close();
    return 'file input 300 points, drop 3 points, bad file named line 3';
  });
};

/** A three-member comparison at tiny shapes. */
const COMPARE_HASH =
  'v=1&dataset=8gaussians&seed=1&width=16&depth=1&batch=64&lr=0.003&steps=24&tsteps=24&tnfe=8&cv=1&compare=fm,meanflow,tvm&nfe=1';

export const compareModeSuite: E2eSuite = async ({ base, artifacts, check, openPage, waitReady }) => {
  await check('a comparison demo in the gallery opens compare mode with its members', async () => {
    const page = await openPage(`${base}#v=1&dataset=moons`);
    await waitReady(page);
    await page.locator('[data-testid=preset-compare-one-step]').click();
    await page.waitForSelector('[data-testid=compare-panel]', { timeout: 30_000 });
    const n = await page.locator('[data-testid=compare-panel]').count();
    assert(n === 3, `the demo opened ${n} panels`);
    assert(/compare=meanflow-2d,tvm,freeflow/.test(page.url()), `the link is not the demo's: ${page.url()}`);
    await page.close();
    return '3 panels: meanflow-2d, tvm, freeflow';
  });

  await check(
    'a compare link trains three methods: three panels, one overlaid plot per quantity, the table',
    async () => {
      const page = await openPage(`${base}#${COMPARE_HASH}`);
      await waitReady(page);
      assert((await page.locator('[data-testid=compare-panel]').count()) === 3, 'not three panels');
      await page.locator('[data-testid=compare-spf]').fill('8');
      await page.locator('[data-testid=play]:not([disabled])').click({ timeout: 60_000 });
      const steps = async () =>
        (await page.locator('[data-testid=compare-step]').allInnerTexts()).map(Number);
      const deadline = Date.now() + 150_000;
      while ((await steps()).some((s) => s < 24)) {
        const warn = page.locator('[data-testid=notice]', { hasText: /Could not build|stopped|failed/ });
        if ((await warn.count()) > 0) throw new Error(await warn.first().innerText());
        assert(Date.now() < deadline, `stuck at steps ${(await steps()).join(', ')}`);
        await page.waitForTimeout(300);
      }
      await page.waitForFunction(
        // the paused, finished members each get a final report at step 24 (what the CLI scores at equal steps)
        `Array.from(document.querySelectorAll('[data-testid=compare-row]')).every((r) => r.children[1]?.textContent === '24')`,
        null,
        { timeout: 90_000 },
      );
      await page.waitForTimeout(800);
      const traces = (await page.evaluate(
        `Array.from(document.querySelector('[data-testid=compare-plot-step]')?.data ?? []).map((t) => (t.y ?? []).filter(Number.isFinite).length)`,
      )) as number[];
      assert(
        traces.length === 3 && traces.every((n) => n > 0),
        `quality vs step has traces ${JSON.stringify(traces)}`,
      );
      const png = await page.screenshot({ path: join(artifacts, 'compare-mode.png'), fullPage: true });
      const shot = PNG.sync.read(png);
      const inks: number[] = [];
      for (const c of await page.locator('[data-testid=compare-canvas]').all()) {
        const b = await c.boundingBox();
        assert(b, 'a panel has no box');
        inks.push(
          inkFraction(
            shot,
            { x: b.x + 2, y: b.y + 2, width: b.width - 4, height: b.height - 4 },
            [251, 251, 249],
          ),
        );
      }
      assert(
        inks.length === 3 && inks.every((k) => k > 0.01),
        `blank panels: ink ${inks.map((k) => k.toFixed(3)).join(', ')}`,
      );
      const rows = await page.locator('[data-testid=compare-row]').allInnerTexts();
      assert(rows.length === 3, `the table has ${rows.length} rows`);
      // removing a member leaves the others' steps alone
      const before = await steps();
      await page.locator('[data-testid=compare-remove]').nth(2).click();
      assert((await page.locator('[data-testid=compare-panel]').count()) === 2, 'the member was not removed');
      const after = await steps();
      assert(after[0] === before[0] && after[1] === before[1], 'removing a member reset the others');
      assert(/compare=fm,meanflow(&|$)/.test(page.url()), `the link did not follow: ${page.url()}`);
      await page.close();
      return `panel ink ${inks.map((k) => (100 * k).toFixed(1)).join(' / ')} %; rows: ${rows.map((r) => r.replace(/\s+/g, ' ')).join(' | ')}`;
    },
  );
};
