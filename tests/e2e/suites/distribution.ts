/**
 * Distribution matching in the page: DMD2 and TMD train with a tiny budget through every stage (teacher,
 * TMD's head pretraining, the student), show their loss terms, and report mode coverage in the quality
 * plot; TMD's outer and inner step budgets are two controls. Tiny shapes: SwiftShader.
 */
import type { Page } from 'playwright-core';
import { stepCount } from '../browser.ts';
import { assert, type E2eSuite } from './suite.ts';

const traceNames = (page: Page, id: string) =>
  page.evaluate(
    `Array.from(document.querySelector('[data-testid=${id}]')?.data ?? []).filter((t) => (t.y ?? []).some(Number.isFinite)).map((t) => String(t.name))`,
  ) as Promise<string[]>;

async function train(page: Page, hash: string, method: string, budget: number): Promise<Set<string>> {
  for (const close of await page.locator('[data-testid=notice] button').all()) await close.click();
  await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
  await page.waitForFunction(
    `document.querySelector('[data-testid=method]')?.value === ${JSON.stringify(method)}`,
    null,
    { timeout: 10_000 },
  );
  await page.locator('[data-testid=steps-per-frame]').fill('80');
  await page.locator('[data-testid=play]:not([disabled])').click({ timeout: 30_000 });
  const stages = new Set<string>();
  const deadline = Date.now() + 90_000;
  while ((await stepCount(page)) < budget) {
    const bad = page.locator('[data-testid=notice]', { hasText: /Could not build|Training stopped|failed/ });
    if ((await bad.count()) > 0) throw new Error(`${method}: ${await bad.first().innerText()}`);
    assert(Date.now() < deadline, `${method}: stuck at step ${await stepCount(page)} of ${budget}`);
    stages.add(await page.locator('[data-testid=stage]').innerText());
    await page.waitForTimeout(150);
  }
  await page.waitForSelector('[data-testid=play]', { timeout: 10_000 });
  await page.waitForFunction(
    `/modes covered/.test(document.querySelector('[data-testid=quality-plot] .gtitle')?.textContent ?? '')`,
    null,
    { timeout: 60_000 },
  );
  return stages;
}

const TINY =
  'dataset=8gaussians&seed=1&width=16&depth=1&batch=64&lr=0.003&steps=24&tsteps=24&tnfe=8&teacher=train';

export const distributionSuite: E2eSuite = async ({ check, openPage, waitReady, url }) => {
  const page = await openPage(`${url}#v=1&method=dmd&${TINY}`);
  await waitReady(page);
  await check('DMD2 trains in the page: teacher then generator, fake-net loss, modes covered', async () => {
    const stages = await train(page, `v=1&method=dmd&${TINY}&p.fakeUpdates=2`, 'dmd', 48);
    assert(stages.has('1/2 teacher') && stages.has('2/2 student'), `stages seen: ${[...stages].join(', ')}`);
    const loss = await traceNames(page, 'loss-plot');
    assert(loss.includes('dm') && loss.some((n) => n.startsWith('fake')), `loss terms: ${loss.join(', ')}`);
    return `stages ${[...stages].join(' -> ')}; terms ${loss.join(', ')}`;
  });
  await check('TMD trains through three stages, with outer and inner steps as two controls', async () => {
    const hash = `v=1&method=tmd&${TINY}&p.pretrainSteps=24&p.fakeUpdates=1&p.outerSteps=2&p.innerSteps=2`;
    const stages = await train(page, hash, 'tmd', 72);
    for (const s of ['1/3 teacher', '2/3 pretrain', '3/3 student'])
      assert(stages.has(s), `stage ${s} not seen: ${[...stages].join(', ')}`);
    const loss = await traceNames(page, 'loss-plot');
    assert(loss.includes('transition') || loss.includes('dm'), `loss terms: ${loss.join(', ')}`);
    for (const p of ['outerSteps', 'innerSteps'])
      assert((await page.locator(`[data-testid=param-${p}]`).count()) === 1, `no control for ${p}`);
    return `stages ${[...stages].join(' -> ')}; terms ${loss.join(', ')}`;
  });
  await page.close();
};
