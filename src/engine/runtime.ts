/**
 * The engine runtime over a GpuContext: pipeline cache, buffers and views, uniforms, upload and readback,
 * and the Dispatch pattern (kernels are prepared once, then replayed every step).
 *
 * Every storage binding is declared `read_write` in WGSL and 'storage' in the layout: WebGPU lets one
 * buffer be bound several times as writable storage in a dispatch, so inputs and outputs may be views
 * into the same flat buffer (parameters, activations), which read-only bindings would forbid.
 */
import type { GpuContext } from './device.ts';
import { KernelValidationError, ShaderCompileError, ViewError } from './errors.ts';
import { expandIncludes, type ExpandedSource, type KernelSource } from './shaderSource.ts';

/** A tensor: a byte range of a buffer. `offset` is a multiple of 256. */
export interface View {
  buffer: GPUBuffer;
  offset: number;
  size: number;
}

/** One prepared kernel launch, replayed as is every step. `uniform` may be rewritten with queue.writeBuffer. */
export interface Dispatch {
  label: string;
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  workgroups: [number, number, number];
  uniform?: GPUBuffer;
}

export type Constants = Record<string, number | boolean>;

export const VIEW_ALIGN = 256;
// A function, not a constant: in Node the GPU* globals exist only once the device is acquired.
const storageUsage = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

export const alignUp = (x: number, a = VIEW_ALIGN) => Math.ceil(x / a) * a;

/** Record `ds` into a compute pass, in order. With debug >= 1 prints each label and its workgroups. */
export function encodeDispatches(pass: GPUComputePassEncoder, ds: readonly Dispatch[], debug = 0): void {
  for (const d of ds) {
    if (debug >= 1) console.log(`dispatch ${d.label} [${d.workgroups.join(', ')}]`);
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, d.bindGroup);
    pass.dispatchWorkgroups(d.workgroups[0], d.workgroups[1], d.workgroups[2]);
  }
}

interface Compiled {
  module: GPUShaderModule;
  source: ExpandedSource;
  layout: GPUPipelineLayout;
  bindGroupLayout: GPUBindGroupLayout;
}

export class Runtime {
  readonly device: GPUDevice;
  private modules = new Map<string, Compiled>();
  private pipelines = new Map<string, GPUComputePipeline>();
  private pending: Promise<void>[] = [];
  private pool = new Map<number, GPUBuffer[]>();
  /** Bytes of GPU memory created by this runtime (storage, uniform and staging). */
  bytesAllocated = 0;
  pipelinesCreated = 0;
  /**
   * Called before a compiled step's kernels are built (their pipelines compile then or at the first
   * submit): the CLI prints "compiling N kernels..." so that a minute of LLVM work on lavapipe is not silence.
   */
  onCompile?: (kernels: number) => void;

  constructor(readonly ctx: GpuContext) {
    this.device = ctx.device;
  }

  /**
   * The pipeline of `kernel` with `constants` as WGSL overrides, cached by name and constants.
   * The layout has `storage` read_write storage bindings (0..storage-1) then, if `uniform`, a uniform.
   * Compilation errors are collected: `await rt.ready()` (also done by `read`) throws ShaderCompileError.
   */
  pipeline(
    kernel: KernelSource,
    storage: number,
    uniform: boolean,
    constants: Constants = {},
  ): GPUComputePipeline {
    const keys = Object.keys(constants).sort();
    const key = `${kernel.name}|${storage}|${uniform}|${keys.map((k) => `${k}=${Number(constants[k])}`).join(',')}`;
    const hit = this.pipelines.get(key);
    if (hit) return hit;
    const compiled = this.compile(kernel, storage, uniform);
    const numeric: Record<string, number> = {};
    for (const k of keys) numeric[k] = Number(constants[k]);
    this.device.pushErrorScope('validation');
    const pipeline = this.device.createComputePipeline({
      label: kernel.name,
      layout: compiled.layout,
      compute: { module: compiled.module, entryPoint: 'main', constants: numeric },
    });
    this.pending.push(
      this.device.popErrorScope().then((e) => {
        if (e) throw new KernelValidationError(`${kernel.name} (${JSON.stringify(constants)})`, e.message);
      }),
    );
    this.pipelinesCreated++;
    this.pipelines.set(key, pipeline);
    if (this.ctx.debug >= 2) console.log(`pipeline ${key}\n${compiled.source.code}`);
    return pipeline;
  }

  private compile(kernel: KernelSource, storage: number, uniform: boolean): Compiled {
    const key = `${kernel.name}|${storage}|${uniform}`;
    const hit = this.modules.get(key);
    if (hit) return hit;
    const source = expandIncludes(kernel);
    const module = this.device.createShaderModule({ label: kernel.name, code: source.code });
    this.pending.push(
      module.getCompilationInfo().then((info) => {
        const err = info.messages.find((m) => m.type === 'error');
        if (!err) return;
        const at = source.lines[err.lineNum - 1] ?? { file: kernel.name, line: err.lineNum };
        throw new ShaderCompileError(kernel.name, at.file, at.line, err.linePos, err.message);
      }),
    );
    const entries: GPUBindGroupLayoutEntry[] = [];
    for (let i = 0; i < storage; i++)
      entries.push({ binding: i, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } });
    if (uniform)
      entries.push({ binding: storage, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } });
    const bindGroupLayout = this.device.createBindGroupLayout({ label: kernel.name, entries });
    const layout = this.device.createPipelineLayout({ bindGroupLayouts: [bindGroupLayout] });
    const compiled = { module, source, layout, bindGroupLayout };
    this.modules.set(key, compiled);
    return compiled;
  }

  /** Waits for every pending compilation and validation; throws the first ShaderCompileError found. */
  async ready(): Promise<void> {
    const pending = this.pending;
    this.pending = [];
    const results = await Promise.allSettled(pending);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** A bind group for `pipeline`: storage views in binding order, then the uniform buffer. */
  bindGroup(
    label: string,
    pipeline: GPUComputePipeline,
    views: readonly View[],
    uniform?: GPUBuffer,
  ): GPUBindGroup {
    const entries: GPUBindGroupEntry[] = views.map((v, i) => {
      if (v.offset % VIEW_ALIGN !== 0) throw new ViewError(`${label}: binding ${i} has offset ${v.offset}`);
      if (v.size <= 0 || v.size % 4 !== 0)
        throw new ViewError(`${label}: binding ${i} has size ${v.size} bytes`);
      if (v.offset + v.size > v.buffer.size)
        throw new ViewError(`${label}: binding ${i} runs past its buffer`);
      return { binding: i, resource: { buffer: v.buffer, offset: v.offset, size: v.size } };
    });
    if (uniform) entries.push({ binding: views.length, resource: { buffer: uniform } });
    return this.device.createBindGroup({ label, layout: pipeline.getBindGroupLayout(0), entries });
  }

  private placeholderBuffer?: GPUBuffer;

  /**
   * Small disjoint views bound where a kernel's optional inputs or outputs are unused: the i-th of
   * them in one dispatch, so that no two bindings overlap (i < 8).
   */
  placeholder(i: number): View {
    this.placeholderBuffer ??= this.buffer(8 * VIEW_ALIGN);
    return { buffer: this.placeholderBuffer, offset: (i % 8) * VIEW_ALIGN, size: VIEW_ALIGN };
  }

  /** A storage buffer of at least `bytes`, reused from the pool when one of that size was released. */
  buffer(bytes: number): GPUBuffer {
    const size = alignUp(Math.max(bytes, 4), 16);
    const free = this.pool.get(size);
    if (free?.length) return free.pop()!;
    this.bytesAllocated += size;
    return this.device.createBuffer({ size, usage: storageUsage() });
  }

  /** Gives a buffer back to the pool; later `buffer()` calls of the same size reuse it. */
  release(buffer: GPUBuffer): void {
    const list = this.pool.get(buffer.size) ?? [];
    list.push(buffer);
    this.pool.set(buffer.size, list);
  }

  /** A fresh f32 tensor of `n` elements (zero-filled) as a whole-buffer view. */
  tensor(n: number): View {
    const buffer = this.buffer(n * 4);
    return { buffer, offset: 0, size: Math.max(n, 1) * 4 };
  }

  /** One buffer holding tensors of the given element counts, each at a 256-byte aligned offset. */
  arena(counts: readonly number[]): View[] {
    let offset = 0;
    const spans = counts.map((n) => {
      const span = { offset, size: Math.max(n, 1) * 4 };
      offset = alignUp(offset + span.size);
      return span;
    });
    const buffer = this.buffer(offset);
    return spans.map((s) => ({ buffer, ...s }));
  }

  private owned: GPUBuffer[] | null = null;

  /**
   * Runs `build` and returns the uniform buffers it created, for the caller to destroy with what it built
   * (a compiled step owns its dispatches' uniforms: without this, every replaced program leaked them).
   */
  collectUniforms<T>(build: () => T): { result: T; uniforms: GPUBuffer[] } {
    const outer = this.owned;
    const mine: GPUBuffer[] = [];
    this.owned = mine;
    try {
      return { result: build(), uniforms: mine };
    } finally {
      this.owned = outer;
      outer?.push(...mine);
    }
  }

  /** A uniform buffer holding `data` (u32/f32 words; padded to 16 bytes). */
  uniform(data: ArrayBuffer | ArrayBufferView): GPUBuffer {
    const bytes =
      data instanceof ArrayBuffer
        ? data
        : data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
    const size = alignUp(Math.max(bytes.byteLength, 16), 16);
    this.bytesAllocated += size;
    const buf = this.device.createBuffer({ size, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.owned?.push(buf);
    this.device.queue.writeBuffer(buf, 0, bytes);
    return buf;
  }

  /** Writes `data` into `view` (a new tensor if none is given) and returns the view. */
  upload(data: Float32Array | Uint32Array | readonly number[], view?: View): View {
    const arr = data instanceof Float32Array || data instanceof Uint32Array ? data : Float32Array.from(data);
    const v = view ?? this.tensor(arr.length);
    if (arr.byteLength > v.size)
      throw new ViewError(`upload of ${arr.byteLength} bytes into a view of ${v.size}`);
    this.device.queue.writeBuffer(v.buffer, v.offset, arr.buffer, arr.byteOffset, arr.byteLength);
    return v;
  }

  /** Records `ds` in one compute pass and submits it. */
  submit(ds: readonly Dispatch[], repeat = 1): void {
    const enc = this.device.createCommandEncoder();
    const pass = enc.beginComputePass();
    for (let r = 0; r < repeat; r++) encodeDispatches(pass, ds, this.ctx.debug);
    pass.end();
    this.device.pushErrorScope('validation');
    this.device.queue.submit([enc.finish()]);
    const labels = ds.map((d) => d.label).join(', ');
    this.pending.push(
      this.device.popErrorScope().then((e) => {
        if (e) throw new KernelValidationError(labels, e.message);
      }),
    );
  }

  /** Copies `view` back to the CPU once all submitted work is done. */
  async read(view: View): Promise<Float32Array> {
    return new Float32Array(await this.readBytes(view));
  }

  async readBytes(view: View): Promise<ArrayBuffer> {
    await this.ready();
    const staging = this.device.createBuffer({
      size: view.size,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const enc = this.device.createCommandEncoder();
    enc.copyBufferToBuffer(view.buffer, view.offset, staging, 0, view.size);
    this.device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const out = staging.getMappedRange().slice(0);
    staging.destroy();
    return out;
  }
}
