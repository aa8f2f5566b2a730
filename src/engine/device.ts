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
  /**
   * Destroys the device as a real loss would end it, for tests and `?debug=lose-device`: `lost` resolves
   * (reason "destroyed", saying it was simulated) and every later GPU call fails, but nothing is logged.
   */
  simulateLoss(): void;
  /** True once the device is gone (lost, simulated or destroyed): failures after it are not new errors. */
  isLost(): boolean;
  /** GPU buffers created on this device and not destroyed yet: the engine's leak counter (soak tests). */
  liveBuffers(): { count: number; bytes: number };
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
  let simulated = false;
  let gone = false;
  const lost = device.lost.then((info) => {
    gone = true;
    const detail = simulated ? 'simulated by the debug hook: device.destroy() mid-run' : info.message;
    const err = new DeviceLostError(info.reason ?? 'unknown', detail || 'no detail');
    if (!destroyed && !simulated) console.error(err.message);
    return err;
  });
  const buffers = countBuffers(device);
  return {
    device,
    adapter: describeAdapter(adapter),
    lost,
    debug: options.debug ?? 0,
    destroy() {
      destroyed = true;
      device.destroy();
    },
    simulateLoss() {
      simulated = true;
      device.destroy();
    },
    isLost: () => gone || simulated || destroyed,
    liveBuffers: () => ({ ...buffers }),
  };
}

/** Counts buffers created on `device` and not yet destroyed (wraps createBuffer and each buffer's destroy). */
function countBuffers(device: GPUDevice): { count: number; bytes: number } {
  const live = { count: 0, bytes: 0 };
  const create = device.createBuffer.bind(device);
  device.createBuffer = (descriptor: GPUBufferDescriptor): GPUBuffer => {
    const buffer = create(descriptor);
    const size = buffer.size;
    live.count++;
    live.bytes += size;
    const destroy = buffer.destroy.bind(buffer);
    let freed = false;
    buffer.destroy = () => {
      if (!freed) {
        freed = true;
        live.count--;
        live.bytes -= size;
      }
      destroy();
    };
    return buffer;
  };
  return live;
}
