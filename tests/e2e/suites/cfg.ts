/**
 * Class labels and classifier-free guidance in the page: a labelled link (labels=, cfg=, class=) loads into
 * the controls, trains, and the class shown and the sampling guidance re-draw the samples without a new
 * run; the link follows the class.
 */
import { stepCount } from '../browser.ts';
import { assert, type E2eSuite } from './suite.ts';

const HASH =
  'v=1&dataset=8gaussians&method=fm&seed=1&width=16&depth=1&batch=64&lr=0.003&steps=48&labels=groups&drop=0.1&cfg=1&class=1&hide=presets';

export const cfgSuite: E2eSuite = async ({ check, openPage, waitReady, base }) => {
  const page = await openPage(`${base}#${HASH}`);
  await waitReady(page);
  await check('cfg: a labelled link loads into the class and guidance controls', async () => {
    await page.waitForSelector('[data-testid=condition-section]', { timeout: 10_000 });
    const labels = await page.locator('[data-testid=labels]').inputValue();
    const shown = await page.locator('[data-testid=sample-class]').inputValue();
    assert(labels === 'groups' && shown === '1', `labels ${labels}, class ${shown}`);
    return `labels ${labels}, class ${shown}`;
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
