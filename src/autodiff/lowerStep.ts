/**
 * A compiled training step on the device: the arena, the prepared dispatches, and the host-facing
 * handles. `run(k)` records k steps into ONE command buffer and submits it (no readback);
 * `read(name)` copies a tensor into a staging buffer and maps it asynchronously. Each name has two
 * staging buffers used in turn, so a read in flight never blocks the next one or the training.
 */
import { encodeDispatches, type Dispatch, type Runtime } from './lower.ts';

export class UnknownTensorError extends Error {
  override name = 'UnknownTensorError';
  constructor(name: string, known: string[]) {
    super(
      `no tensor '${name}' in this compiled step: use one of ${known.join(', ')} (outputs and inputs by name)`,
    );
  }
}

export class FeedSizeError extends Error {
  override name = 'FeedSizeError';
  constructor(name: string, expected: number, got: number) {
    super(`'${name}' holds ${expected} values but ${got} were given: pass a row-major array of ${expected}`);
  }
}

export class ProgramDestroyedError extends Error {
  override name = 'ProgramDestroyedError';
  constructor(name: string) {
    super(
      `'${name}' was read from a compiled step that has since been destroyed: read from the program that replaced it`,
    );
  }
}

export interface NamedSlot {
  /** Element offset in the arena. */
  offset: number;
  size: number;
}

interface Staging {
  buffer: GPUBuffer;
  busy: Promise<void> | null;
}

/** A named tensor of a compiled step: its arena, byte offset and size in elements. */
export interface SlotView {
  buffer: GPUBuffer;
  /** Byte offset. */
  offset: number;
  /** Elements. */
  size: number;
}

export class CompiledStep {
  private staging = new Map<string, Staging[]>();
  private stagingBytes = 0;
  private destroyed = false;
  private readonly baseBytes: number;

  constructor(
    private rt: Runtime,
    readonly arena: GPUBuffer,
    readonly dispatches: readonly Dispatch[],
    private slots: Map<string, NamedSlot>,
    private lines: string[],
    readonly generated: ReadonlyMap<string, string>,
    bytesBefore: number,
    /** The dispatches' uniform buffers: destroyed with the step, once its queued work is done. */
    private uniforms: GPUBuffer[] = [],
  ) {
    this.baseBytes = rt.bytesAllocated - bytesBefore;
  }

  /** Dispatches recorded per training step. */
  get dispatchesPerStep(): number {
    return this.dispatches.length;
  }

  /** Bytes of GPU memory this step created: the arena, uniforms and staging buffers. */
  get bytesAllocated(): number {
    return this.baseBytes + this.stagingBytes;
  }

  /** Records k steps into a compute pass, or into a new pass of a command encoder. */
  encode(target: GPUComputePassEncoder | GPUCommandEncoder, k = 1): void {
    if ('dispatchWorkgroups' in target) {
      for (let i = 0; i < k; i++) encodeDispatches(target, this.dispatches, 0);
      return;
    }
    const pass = target.beginComputePass({ label: 'compiled step' });
    for (let i = 0; i < k; i++) encodeDispatches(pass, this.dispatches, 0);
    pass.end();
  }

  /** k steps in one command buffer, one submit, no readback. */
  run(k = 1): void {
    const enc = this.rt.device.createCommandEncoder({ label: 'compiled step' });
    this.encode(enc, k);
    this.rt.device.queue.submit([enc.finish()]);
  }

  private slot(name: string): NamedSlot {
    const s = this.slots.get(name);
    if (!s) throw new UnknownTensorError(name, [...this.slots.keys()]);
    return s;
  }

  /** Whether the program has a named input or output `name`. */
  has(name: string): boolean {
    return this.slots.has(name);
  }

  /** Where the named input or output lives in the arena, for copies and draws from GPU memory. */
  view(name: string): SlotView {
    const s = this.slot(name);
    return { buffer: this.arena, offset: s.offset * 4, size: s.size };
  }

  /** Overwrites an input (parameters, state, a batch) before the next step. */
  write(name: string, data: ArrayLike<number>): void {
    const s = this.slot(name);
    if (data.length !== s.size) throw new FeedSizeError(name, s.size, data.length);
    const arr = data instanceof Float32Array ? data : Float32Array.from(data);
    this.rt.device.queue.writeBuffer(this.arena, s.offset * 4, arr.buffer, arr.byteOffset, arr.byteLength);
  }

  /** The current value of an output or input, after all work submitted so far. */
  async read(name: string): Promise<Float32Array> {
    const s = this.slot(name);
    const bytes = Math.max(s.size, 1) * 4;
    let pair = this.staging.get(name);
    if (!pair) {
      const make = (): Staging => {
        this.stagingBytes += bytes;
        return {
          buffer: this.rt.device.createBuffer({
            size: bytes,
            usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
          }),
          busy: null,
        };
      };
      pair = [make(), make()];
      this.staging.set(name, pair);
    }
    let st = pair.find((p) => p.busy === null);
    if (!st) {
      await Promise.race(pair.map((p) => p.busy));
      st = pair.find((p) => p.busy === null) ?? pair[0];
      if (st.busy) await st.busy;
    }
    const target = st;
    let result = new Float32Array(0);
    // Busy from the start, so that destroy() keeps this staging buffer until the read settles.
    target.busy = (async () => {
      await this.rt.ready();
      if (this.destroyed) throw new ProgramDestroyedError(name);
      const enc = this.rt.device.createCommandEncoder({ label: `read ${name}` });
      enc.copyBufferToBuffer(this.arena, s.offset * 4, target.buffer, 0, bytes);
      this.rt.device.queue.submit([enc.finish()]);
      await target.buffer.mapAsync(GPUMapMode.READ);
      result = new Float32Array(target.buffer.getMappedRange().slice(0, s.size * 4));
      target.buffer.unmap();
    })().finally(() => {
      target.busy = null;
    });
    await target.busy;
    return result;
  }

  /** The schedule: one line per dispatch of a step. */
  describe(): string {
    return this.lines.join('\n');
  }

  /**
   * Frees the staging buffers; the arena goes back to the runtime's pool. A read still in flight keeps its
   * staging buffer until its mapping settles (its copy was submitted before this call), so a reader of a
   * program that is being replaced - a stage hand-over - still gets its values.
   */
  destroy(): void {
    this.destroyed = true;
    const free = (b: GPUBuffer) => () => b.destroy();
    for (const pair of this.staging.values()) {
      for (const p of pair) {
        if (p.busy) p.busy.then(free(p.buffer), free(p.buffer));
        else p.buffer.destroy();
      }
    }
    this.staging.clear();
    this.rt.release(this.arena);
    const uniforms = this.uniforms;
    this.uniforms = [];
    // submitted steps may still read them; after a lost device the promise rejects and nothing is left to free
    this.rt.device.queue.onSubmittedWorkDone().then(
      () => uniforms.forEach((u) => u.destroy()),
      () => {},
    );
  }
}
