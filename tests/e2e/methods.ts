/**
 * E2e checks of training in the real page: every method starts, trains to its (tiny) step budget, shows its
 * loss terms and quality plots, and methods with a trained teacher show stage 1 (teacher) then stage 2
 * (student); a run with lr = 1 is paused with a message that keeps the experiment. Small shapes: SwiftShader.
 */
import type { Page } from 'playwright-core';
import { stepCount } from './browser.ts';

export const METHOD_IDS = ['fm', 'flowmap', 'meanflow', 'tvm', 'freeflow'] as const;

function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

/** Names and point counts of a plot's traces (plotly keeps them on the element). */
async function traces(page: Page, id: string): Promise<{ name: string; n: number }[]> {
  return page.evaluate(
    `Array.from(document.querySelector('[data-testid=${id}]')?.data ?? []).map((t) => ({ name: String(t.name), n: (t.y ?? []).filter(Number.isFinite).length }))`,
  ) as Promise<{ name: string; n: number }[]>;
}

/** Opens `hash` in the same page (hashchange: the page loads the link) and waits for the method select. */
async function openLink(page: Page, hash: string, method: string): Promise<void> {
  for (const close of await page.locator('[data-testid=notice] button').all()) await close.click();
  await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
  await page.waitForFunction(
    `document.querySelector('[data-testid=method]')?.value === ${JSON.stringify(method)}`,
    null,
    { timeout: 10_000 },
  );
}

/**
 * Trains `method` to its budget in the open page; returns what it saw. Stage texts are sampled while it runs,
 * and the finished run's quality report is awaited.
 */
export async function trainMethod(page: Page, method: string): Promise<string> {
  const teacher = method === 'flowmap' || method === 'freeflow';
  const hash = `v=1&dataset=8gaussians&method=${method}&seed=1&width=16&depth=1&batch=64&lr=0.003&steps=48&tsteps=48&tnfe=8&hide=presets`;
  await openLink(page, hash, method);
  await page.locator('[data-testid=steps-per-frame]').fill('80'); // about 8 steps per frame
  await page.locator('[data-testid=play]:not([disabled])').click({ timeout: 30_000 });
  const stages = new Set<string>();
  const budget = teacher ? 96 : 48;
  const deadline = Date.now() + 60_000;
  const warnings = page.locator('[data-testid=notice]', {
    hasText: /Could not build|Training stopped|failed/,
  });
  while ((await stepCount(page)) < budget) {
    if ((await warnings.count()) > 0) throw new Error(`${method}: ${await warnings.first().innerText()}`);
    assert(Date.now() < deadline, `${method}: stuck at step ${await stepCount(page)} of ${budget}`);
    if (teacher) stages.add(await page.locator('[data-testid=stage]').innerText());
    await page.waitForTimeout(150);
  }
  if (teacher) stages.add(await page.locator('[data-testid=stage]').innerText());
  await page.waitForSelector('[data-testid=play]', { timeout: 10_000 }); // the finished run paused itself
  await page.waitForFunction(
    `Array.from(document.querySelector('[data-testid=nfe-plot]')?.data ?? []).some((t) => /^model/.test(t.name))`,
    null,
    { timeout: 60_000 },
  );
  // The quality plot buffers points for 250 ms before it draws them (livePlot.ts), while the NFE plot redraws at
  // once: a run whose only report is its last one has drawn the NFE plot but maybe not the quality line yet.
  await page
    .waitForFunction(
      `Array.from(document.querySelector('[data-testid=quality-plot]')?.data ?? []).some((t) => t.name === 'NFE 1' && (t.y ?? []).length > 0)`,
      null,
      { timeout: 5_000 },
    )
    .catch(() => {}); // the assertion below says what is missing
  const loss = await traces(page, 'loss-plot');
  const quality = await traces(page, 'quality-plot');
  const nfe = await traces(page, 'nfe-plot');
  assert(
    loss.some((t) => t.n > 0 && !t.name.startsWith('teacher')),
    `${method}: no loss term of the run: ${JSON.stringify(loss)}`,
  );
  assert(
    quality.some((t) => t.name === 'NFE 1' && t.n > 0),
    `${method}: no quality line for NFE 1: ${JSON.stringify(quality)}`,
  );
  assert(
    nfe.some((t) => /teacher|ODE/.test(t.name)),
    `${method}: quality vs NFE has no teacher (or ODE) level`,
  );
  if (teacher) {
    assert(
      loss.some((t) => t.name.startsWith('teacher ') && t.n > 0),
      `${method}: the teacher's loss is not plotted`,
    );
    assert(
      stages.has('1/2 teacher') && stages.has('2/2 student'),
      `${method}: stages seen: ${[...stages].join(', ')}`,
    );
  }
  const terms = loss.map((t) => t.name).join(', ');
  return `${method}: ${terms}${teacher ? ` (stages ${[...stages].join(' -> ')})` : ''}`;
}

/** lr = 1 on MeanFlow: the page pauses the run with a message and the link still holds the experiment. */
export async function divergingRun(page: Page): Promise<string> {
  const hash = 'v=1&dataset=8gaussians&method=meanflow&seed=1&width=128&depth=3&batch=256&lr=1&steps=200';
  await openLink(page, hash, 'meanflow');
  await page.locator('[data-testid=steps-per-frame]').fill('600'); // about 28 steps per frame
  await page.locator('[data-testid=play]:not([disabled])').click({ timeout: 30_000 });
  const notice = page.locator('[data-testid=notice]', { hasText: /diverged/i });
  await notice.first().waitFor({ timeout: 120_000 });
  const text = await notice.first().innerText();
  assert(/learning rate/i.test(text), `the message does not point at the learning rate: ${text}`);
  assert((await page.locator('[data-testid=play]').count()) === 1, 'the run is not paused');
  const link = new URL(page.url()).hash;
  assert(link.includes('lr=1&') && link.includes('method=meanflow'), `the experiment was not kept: ${link}`);
  return `at step ${await stepCount(page)}: "${text.slice(0, 110)}..."`;
}
