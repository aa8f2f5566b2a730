/**
 * One WebGPU instance for every implementation in the process: Dawn's `navigator.gpu` from the
 * `webgpu` package, exposed as `globalThis.navigator.gpu` (jax-js and TF.js look for it there and
 * each request their own GPUDevice from the same adapter). Dispatches and queue submits are counted
 * for every device by wrapping the two prototype methods once.
 */
import { nodeGpu } from '../../src/engine/nodeGpu.ts';
import { describeAdapter, type AdapterDescription } from '../../src/engine/adapter.ts';
import { NoAdapterError } from '../../src/engine/errors.ts';

export interface GpuCounts {
  dispatches: number;
  submits: number;
}

const counts: GpuCounts = { dispatches: 0, submits: 0 };
let installed: Promise<AdapterDescription> | undefined;

export const readCounts = (): GpuCounts => ({ ...counts });

function wrapCounters(): void {
  const g = globalThis as unknown as {
    GPUComputePassEncoder: { prototype: GPUComputePassEncoder };
    GPUQueue: { prototype: GPUQueue };
  };
  const pass = g.GPUComputePassEncoder.prototype;
  const dispatch = pass.dispatchWorkgroups;
  pass.dispatchWorkgroups = function (this: GPUComputePassEncoder, ...args: Parameters<typeof dispatch>) {
    counts.dispatches++;
    return dispatch.apply(this, args);
  };
  const queue = g.GPUQueue.prototype;
  const submit = queue.submit;
  queue.submit = function (this: GPUQueue, ...args: Parameters<typeof submit>) {
    counts.submits++;
    return submit.apply(this, args);
  };
}

/** Installs navigator.gpu and the counters (once); resolves to the adapter every peer will get. */
export function installNodeGpu(): Promise<AdapterDescription> {
  installed ??= (async () => {
    const gpu = nodeGpu();
    // jax-js reads navigator.userAgent when it loads its WebGPU backend; Node 20 has no navigator.
    const g = globalThis as unknown as { navigator?: Record<string, unknown> };
    g.navigator ??= {};
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
    if (typeof g.navigator.userAgent !== 'string') {
      Object.defineProperty(g.navigator, 'userAgent', {
        value: `Node.js/${process.version}`,
        configurable: true,
      });
    }
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) throw new NoAdapterError('node', 'requestAdapter() returned null');
    wrapCounters();
    return describeAdapter(adapter);
  })();
  return installed;
}
