/** What a feature e2e suite receives from the runner (tests/e2e/run.ts). */
import type { BrowserContext, Page } from 'playwright-core';

export interface E2eContext {
  browser: BrowserContext;
  /** The served playground, with `?render=readback` (append `#hash`). */
  base: string;
  /** The served playground without query (the page decides how to draw). */
  url: string;
  /** Folder for screenshots and artifacts. */
  artifacts: string;
  /** Runs one named check; a thrown Error fails it with its message; a returned string is its detail. */
  check(name: string, body: () => Promise<string | void>): Promise<void>;
  /** Opens a page whose console errors and page errors are collected for 'no console errors'. */
  openPage(url: string): Promise<Page>;
  /** Waits until the page has an adapter line (the worker is up). */
  waitReady(page: Page): Promise<void>;
}

export type E2eSuite = (ctx: E2eContext) => Promise<void>;

export function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}
