/** One way to get a GPUDevice, in the browser (navigator.gpu) and in Node (the `webgpu` package). */
import { describeAdapter, type AdapterDescription } from './adapter.ts';
import { DeviceLostError, NoAdapterError } from './errors.ts';

export type DebugLevel = 0 | 1 | 2; // 0 quiet, 1 dispatches, 2 dispatches and WGSL

export interface GpuContext {
  device: GPUDevice;
  adapter: AdapterDescription;
  /** Resolves when the device is lost for any reason other than destroy(). */
  lost: Promise<DeviceLostError>;
  debug: DebugLevel;
  destroy(): void;
}

export interface AcquireOptions {
  /** A navigator.gpu-like object; defaults to the browser's or, in Node, Dawn's. */
  gpu?: GPU;
  powerPreference?: GPUPowerPreference;
  debug?: DebugLevel;
}

const isNode = typeof process !== 'undefined' && Boolean(process.versions?.node);

async function defaultGpu(): Promise<GPU | undefined> {
  if (typeof navigator !== 'undefined' && navigator.gpu) return navigator.gpu;
  if (isNode) {
    const path = './nodeGpu.ts'; // a variable specifier keeps the native module out of the web bundle
    const mod = (await import(/* @vite-ignore */ path)) as typeof import('./nodeGpu.ts');
    return mod.nodeGpu();
  }
  return undefined;
}

export async function acquireGpu(options: AcquireOptions = {}): Promise<GpuContext> {
  const where = isNode && typeof navigator === 'undefined' ? 'node' : 'browser';
  const gpu = options.gpu ?? (await defaultGpu());
  if (!gpu) throw new NoAdapterError(where, 'navigator.gpu is undefined');
  const adapter = await gpu.requestAdapter({
    powerPreference: options.powerPreference ?? 'high-performance',
  });
  if (!adapter) throw new NoAdapterError(where, 'requestAdapter() returned null');
  const limits = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBuffersPerShaderStage: Math.min(10, limits.maxStorageBuffersPerShaderStage),
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
    },
  });
  let destroyed = false;
  const lost = device.lost.then((info) => {
    const err = new DeviceLostError(info.reason ?? 'unknown', info.message || 'no detail');
    if (!destroyed) console.error(err.message);
    return err;
  });
  return {
    device,
    adapter: describeAdapter(adapter),
    lost,
    debug: options.debug ?? 0,
    destroy() {
      destroyed = true;
      device.destroy();
    },
  };
}
