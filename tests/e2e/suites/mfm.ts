/**
 * Meta Flow Maps in the page: an mfm link on gmm3 with the analytic teacher trains briefly; a click with the
 * posterior tool sets x_t (the link follows), and the canvas shows the one-step posterior samples (violet)
 * beside the exact posterior (green) with a finite distance readout; the reward tool sets the paper's linear
 * reward, a drag moves its line, and the guided samples (magenta) are drawn beside the exact tilted target.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { stepCount } from '../browser.ts';
import { PNG, type Image, type Region } from '../pixels.ts';
import { assert, type E2eSuite } from './suite.ts';

const STEPS = 120;
const HASH = `v=1&dataset=gmm3&method=mfm&seed=1&width=32&depth=2&batch=128&lr=0.003&steps=${STEPS}&teacher=analytic&hide=presets`;

/** Pixels of the canvas region whose colour is of one hue family (the layers' colours over the background). */
function countHue(img: Image, r: Region, test: (r: number, g: number, b: number) => boolean): number {
  let n = 0;
  for (let y = Math.round(r.y); y < Math.round(r.y + r.height); y++)
    for (let x = Math.round(r.x); x < Math.round(r.x + r.width); x++) {
      const i = 4 * (y * img.width + x);
      if (test(img.data[i], img.data[i + 1], img.data[i + 2])) n++;
    }
  return n;
}
const violet = (r: number, g: number, b: number) => b > r + 30 && b > g + 50;
const green = (r: number, g: number, b: number) => g > r + 40 && g > b + 25;
const magenta = (r: number, g: number, b: number) => r > g + 60 && b > g + 30 && r > b;

async function canvasBox(page: Page): Promise<Region> {
  const box = await page.locator('[data-testid=flow-canvas]').boundingBox();
  assert(box, 'no canvas');
  return { x: box.x + 2, y: box.y + 2, width: box.width - 4, height: box.height - 4 };
}

/** Waits for a readout of a model re-sample at or after `step`; returns its distance and floor. */
async function readout(
  page: Page,
  id: string,
  step: number,
): Promise<{ d: number; floor: number; text: string }> {
  const el = page.locator(`[data-testid=${id}]`);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const at = Number((await el.getAttribute('data-step')) ?? -1);
    if (at >= step) {
      const d = Number(await el.getAttribute('data-distance'));
      const floor = Number(await el.getAttribute('data-floor'));
      return { d, floor, text: await el.innerText() };
    }
    const bad = page.locator('[data-testid=notice]', { hasText: /failed|Could not build|Training stopped/ });
    if ((await bad.count()) > 0) throw new Error(await bad.first().innerText());
    assert(Date.now() < deadline, `no ${id} after step ${step}: ${await el.innerText()}`);
    await page.waitForTimeout(300);
  }
}

/** Screenshots until the canvas shows `min` pixels of each hue (the worker draws asynchronously). */
async function hues(
  page: Page,
  file: string,
  tests: Record<string, (r: number, g: number, b: number) => boolean>,
  min: number,
) {
  // a full-page screenshot is in page coordinates, a bounding box in the viewport's: scroll back to the top
  await page.evaluate('window.scrollTo(0, 0)');
  const region = await canvasBox(page);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const img = PNG.sync.read(await page.screenshot({ path: file, fullPage: true }));
    const counts = Object.fromEntries(Object.entries(tests).map(([k, f]) => [k, countHue(img, region, f)]));
    if (Object.values(counts).every((c) => c >= min) || Date.now() > deadline) return counts;
    await page.waitForTimeout(500);
  }
}

export const mfmSuite: E2eSuite = async ({ check, openPage, waitReady, base, artifacts }) => {
  const page = await openPage(`${base}#${HASH}`);
  await waitReady(page);
  await check(
    'mfm: a click sets the posterior point; MFM and exact posterior samples are drawn with a finite distance',
    async () => {
      await page.waitForSelector('[data-testid=mfm-panel]', { timeout: 10_000 });
      await page.locator('[data-testid=steps-per-frame]').fill('1000');
      await page.locator('[data-testid=play]:not([disabled])').click({ timeout: 30_000 });
      const deadline = Date.now() + 90_000;
      while ((await stepCount(page)) < STEPS) {
        assert(Date.now() < deadline, `stuck at step ${await stepCount(page)}`);
        await page.waitForTimeout(200);
      }
      await page.locator('[data-testid=show-samples]').locator('xpath=..').click(); // the unconditional samples off
      await page.locator('[data-testid=mfm-tool-posterior]').click();
      // the press is the posterior tool's only once the panel shows it chosen (a React render later)
      await page.waitForSelector('[data-testid=mfm-tool-posterior][aria-checked=true]', { timeout: 10_000 });
      await page.evaluate('window.scrollTo(0, 0)');
      const box = await canvasBox(page);
      // world (-1.2, -1.2) near the mode at (-3, -3)'s side at t = 0.6: the default view shows [-4.5, 4.5]^2
      await page.mouse.click(box.x + box.width * (0.5 - 1.2 / 9), box.y + box.height * (0.5 + 1.2 / 9));
      // the link is rewritten when the store's view changes: wait for it rather than read it at once
      await page
        .waitForFunction(() => /post=-1\.\d+,-1\.\d+/.test(location.hash), null, { timeout: 10_000 })
        .catch(() => undefined);
      const hash = new URL(page.url()).hash;
      assert(
        /post=-1\.\d+,-1\.\d+/.test(hash) && hash.includes('pt=0.6'),
        `the link did not follow: ${hash}`,
      );
      const r = await readout(page, 'posterior-readout', STEPS);
      assert(Number.isFinite(r.d) && Number.isFinite(r.floor), `readout not finite: ${r.text}`);
      const counts = await hues(page, join(artifacts, 'mfm-posterior.png'), { violet, green }, 150);
      assert(
        counts.violet >= 150 && counts.green >= 150,
        `posterior layers not drawn: ${JSON.stringify(counts)}`,
      );
      return `${r.text}; pixels ${JSON.stringify(counts)}`;
    },
  );
  await check(
    'mfm: the reward tool and a drag set a linear reward; guided and exact tilted samples are drawn',
    async () => {
      await page.locator('[data-testid=posterior-clear]').click();
      await page.locator('[data-testid=mfm-tool-reward]').click();
      await page.waitForSelector('[data-testid=mfm-tool-reward][aria-checked=true]', { timeout: 10_000 });
      await page.evaluate('window.scrollTo(0, 0)');
      const box = await canvasBox(page);
      // a drag away from the arrow's tip moves the line a . x = y through the pointer: to the origin, y = 0
      await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5, { steps: 4 });
      await page.mouse.up();
      const hash = new URL(page.url()).hash;
      assert(
        /reward=1\.2,-0\.8:-?0(\.0\d*)?:0\.2/.test(hash) && hash.includes('est=iwae'),
        `the link: ${hash}`,
      );
      await page.locator('[data-testid=reward-mc]').selectOption('4');
      assert(new URL(page.url()).hash.includes('mc=4'), 'the link did not follow N');
      const r = await readout(page, 'reward-readout', STEPS);
      assert(Number.isFinite(r.d) && Number.isFinite(r.floor), `readout not finite: ${r.text}`);
      const counts = await hues(page, join(artifacts, 'mfm-reward.png'), { magenta, green }, 60);
      assert(
        counts.magenta >= 60 && counts.green >= 60,
        `reward layers not drawn: ${JSON.stringify(counts)}`,
      );
      return `${r.text}; pixels ${JSON.stringify(counts)}`;
    },
  );
  await page.close();
};
