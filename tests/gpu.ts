/** The shared GPU for a test file: a real adapter or a failing test that says how to get one. */
import { afterAll } from 'vitest';
import { acquireGpu, type GpuContext } from '../src/engine/index.ts';

let ctx: Promise<GpuContext> | undefined;

export function testGpu(): Promise<GpuContext> {
  if (!ctx) {
    ctx = acquireGpu().then((c) => {
      console.log(c.adapter.line);
      return c;
    });
    afterAll(async () => (await ctx)?.destroy());
  }
  return ctx;
}
