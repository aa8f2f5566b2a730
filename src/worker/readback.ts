/**
 * The picture without a presenting canvas: the same render pipelines draw into an offscreen rgba8unorm texture
 * that is copied to a buffer and mapped. Two staging buffers alternate so that a frame never waits for the
 * previous frame's map; when both are still in flight the frame is skipped.
 */
export const READBACK_FORMAT: GPUTextureFormat = 'rgba8unorm';

export class TextureReadback {
  readonly texture: GPUTexture;
  readonly view: GPUTextureView;
  private readonly bytesPerRow: number;
  private readonly staging: GPUBuffer[];
  private readonly busy = [false, false];
  private next = 0;

  constructor(
    private readonly device: GPUDevice,
    readonly width: number,
    readonly height: number,
  ) {
    this.texture = device.createTexture({
      label: 'readback target',
      size: [width, height],
      format: READBACK_FORMAT,
      usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC,
    });
    this.view = this.texture.createView();
    this.bytesPerRow = Math.ceil((width * 4) / 256) * 256;
    this.staging = [0, 1].map((i) =>
      device.createBuffer({
        label: `readback staging ${i}`,
        size: this.bytesPerRow * height,
        usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
      }),
    );
  }

  /** True when a staging buffer is free for the next frame. */
  get ready(): boolean {
    return !this.busy[this.next];
  }

  /**
   * Appends the copy of the texture to `encoder`, submits it, and resolves with tightly packed RGBA rows
   * (straight alpha as drawn). Returns null (and records nothing) when both staging buffers are in flight.
   */
  submit(encoder: GPUCommandEncoder): Promise<Uint8ClampedArray<ArrayBuffer>> | null {
    const slot = this.next;
    if (this.busy[slot]) return null;
    const buffer = this.staging[slot];
    this.busy[slot] = true;
    this.next = 1 - slot;
    encoder.copyTextureToBuffer({ texture: this.texture }, { buffer, bytesPerRow: this.bytesPerRow }, [
      this.width,
      this.height,
    ]);
    this.device.queue.submit([encoder.finish()]);
    return buffer.mapAsync(GPUMapMode.READ).then(
      () => {
        const src = new Uint8Array(buffer.getMappedRange());
        const out = new Uint8ClampedArray(this.width * this.height * 4);
        const row = this.width * 4;
        for (let y = 0; y < this.height; y++)
          out.set(src.subarray(y * this.bytesPerRow, y * this.bytesPerRow + row), y * row);
        buffer.unmap();
        this.busy[slot] = false;
        return out;
      },
      (err: unknown) => {
        this.busy[slot] = false;
        throw err;
      },
    );
  }

  dispose(): void {
    this.texture.destroy();
    for (const b of this.staging) b.destroy();
  }
}
