/**
 * Class labels and classifier-free guidance in the page: a labelled link (labels=, cfg=, class=) loads into
 * the controls, trains, and the class shown and the sampling guidance re-draw the samples without a new
 * run; the link follows the class. The data points take their class's palette colour, and the class chips
 * (the legend) pick the class shown, which stands out while the others fade.
 */
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { classColor } from '../../../src/state/palette.ts';
import { stepCount } from '../browser.ts';
import { colorCounts } from '../pixels.ts';
import { assert, type E2eSuite } from './suite.ts';

/** The canvas background in the readback render (COLORS.background). */
const BACKGROUND: [number, number, number] = [251, 251, 249];
const PALETTE_2 = [0, 1].map(
  (k) => classColor(k).map((v) => Math.round(255 * v)) as [number, number, number],
);

const HASH =
  'v=1&dataset=8gaussians&method=fm&seed=1&width=16&depth=1&batch=64&lr=0.003&steps=48&labels=groups&drop=0.1&cfg=1&class=1&hide=presets';

export const cfgSuite: E2eSuite = async ({ check, openPage, waitReady, base, artifacts }) => {
  const page = await openPage(`${base}#${HASH}`);
  await waitReady(page);
  await check('cfg: a labelled link loads into the class and guidance controls', async () => {
    await page.waitForSelector('[data-testid=condition-section]', { timeout: 10_000 });
    const labels = await page.locator('[data-testid=labels]').inputValue();
    const shown = await page.locator('[data-testid=sample-class]').inputValue();
    assert(labels === 'groups' && shown === '1', `labels ${labels}, class ${shown}`);
    return `labels ${labels}, class ${shown}`;
  });
  await check('cfg: labels colour the data points, and the chosen class stands out', async () => {
    const canvas = page.locator('[data-testid=flow-canvas]');
    // polls until the picture has settled into the wanted counts (a software GPU may be a few frames late)
    const countsWhen = async (ok: (c: number[]) => boolean, what: string) => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const shot = await canvas.screenshot();
        const c = colorCounts(shot, PALETTE_2, BACKGROUND);
        if (ok(c)) return { c, shot };
        assert(Date.now() < deadline, `${what}: class 0 / class 1 colour pixels ${c.join(' / ')}`);
        await page.waitForTimeout(300);
      }
    };
    await page.locator('[data-testid=class-chip-all]').click();
    const all = await countsWhen(
      (c) => c[0] > 400 && c[1] > 400,
      'both class colours with all classes shown',
    );
    await writeFile(join(artifacts, 'cfg-labels-all.png'), all.shot);
    await page.locator('[data-testid=class-chip-0]').click();
    const zero = await countsWhen(
      (c) => c[1] < 0.3 * all.c[1] && c[0] > 0.6 * all.c[0],
      'class 1 fading once class 0 is chosen',
    );
    await writeFile(join(artifacts, 'cfg-labels-class0.png'), zero.shot);
    await page
      .locator('[data-testid=condition-section]')
      .screenshot({ path: join(artifacts, 'cfg-class-chips.png') });
    const shown = await page.locator('[data-testid=sample-class]').inputValue();
    const pressed = await page.locator('[data-testid=class-chip-0]').getAttribute('aria-pressed');
    assert(
      shown === '0' && pressed === 'true',
      `the chip did not choose class 0 (select ${shown}, pressed ${pressed})`,
    );
    await page.locator('[data-testid=class-chip-1]').click(); // back to the link's class for the next check
    return `class 0 / 1 colour pixels: all ${all.c.join(' / ')}, class 0 chosen ${zero.c.join(' / ')}`;
  });
  await check('cfg: trains, and class and guidance re-sample live without a new run', async () => {
    await page.locator('[data-testid=play]:not([disabled])').click({ timeout: 30_000 });
    const deadline = Date.now() + 60_000;
    while ((await stepCount(page)) < 48) {
      const bad = page.locator('[data-testid=notice]', {
        hasText: /Could not build|Training stopped|failed/,
      });
      if ((await bad.count()) > 0) throw new Error(await bad.first().innerText());
      assert(Date.now() < deadline, `stuck at step ${await stepCount(page)}`);
      await page.waitForTimeout(150);
    }
    await page.waitForSelector('[data-testid=play]', { timeout: 10_000 });
    const canvas = page.locator('[data-testid=flow-canvas]');
    // A software GPU under load may take a while to draw the next frame: poll for a changed picture.
    const changedFrom = async (before: Buffer, what: string) => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        await page.waitForTimeout(300);
        const now = await canvas.screenshot();
        if (!now.equals(before)) return now;
        assert(Date.now() < deadline, `the samples did not change with the ${what}`);
      }
    };
    await page.waitForTimeout(500);
    const one = await canvas.screenshot();
    await page.locator('[data-testid=sample-class]').selectOption('0');
    const zero = await changedFrom(one, 'class');
    assert(new URL(page.url()).hash.includes('class=0'), `the link did not follow the class: ${page.url()}`);
    await page.locator('[data-testid=guidance]').fill('4');
    await changedFrom(zero, 'guidance scale');
    const steps = await stepCount(page);
    assert(steps === 48, `a class or guidance change started a new run (step ${steps})`);
    return 'class 1 -> 0 and w 1 -> 4 re-drew the samples at step 48';
  });
  await page.close();
};
