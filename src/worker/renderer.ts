/**
 * Draws point sets that live in GPU buffers - data, model samples, trajectories, the flow animation and the
 * velocity field - with one render pipeline per primitive, alpha-blended, into any texture view: the canvas's
 * current texture or an offscreen texture that is read back (see readback.ts). Nothing is copied to JS.
 */
import common from '../../shaders/renderCommon.wgsl?raw';
import pointsSource from '../../shaders/renderPoints.wgsl?raw';
import pathsSource from '../../shaders/renderPaths.wgsl?raw';
import arrowsSource from '../../shaders/renderArrows.wgsl?raw';
import type { PointSet } from '../train/session.ts';
import { paletteWgsl } from '../state/palette.ts';

export type Rgba = [number, number, number, number];

/** The one-hot class labels [count, classes] of a points layer's points, in a GPU buffer (same row order). */
export interface ClassLabels {
  buffer: GPUBuffer;
  /** byte offset of row 0 */
  offset: number;
  classes: number;
}

interface LayerBase {
  set: PointSet;
  color: Rgba;
  /** point diameter or line width, pixels */
  size: number;
}

export type Layer =
  | (LayerBase & {
      kind: 'points';
      /** colour each point by its class (CLASS_PALETTE) instead of `color` (whose alpha stays) */
      labels?: ClassLabels;
      /** with `labels`: the class that stands out, the others fade (-1 or absent: all alike) */
      highlight?: number;
    })
  | (LayerBase & { kind: 'paths'; pathLength: number })
  | (LayerBase & { kind: 'flow'; pathLength: number; tau: number })
  | (LayerBase & { kind: 'arrows'; grid: number; box: [number, number, number, number]; scale: number });

export interface Frame {
  target: GPUTextureView;
  width: number;
  height: number;
  view: Float32Array;
  background: Rgba;
  layers: Layer[];
}

const UNIFORM_BYTES = 144; // size of `Draw` in shaders/renderCommon.wgsl
const UNIFORM_STRIDE = 256;
const MAX_LAYERS = 16;

const entries = {
  points: { source: paletteWgsl() + pointsSource, vertex: 'vsPoints', fragment: 'fsDisc', vertices: 6 },
  flow: { source: paletteWgsl() + pointsSource, vertex: 'vsFlow', fragment: 'fsDisc', vertices: 6 },
  paths: { source: pathsSource, vertex: 'vsPaths', fragment: 'fsLine', vertices: 6 },
  arrows: { source: arrowsSource, vertex: 'vsArrows', fragment: 'fsArrow', vertices: 9 },
} as const;

/** Number of instances a layer draws. */
export function instanceCount(layer: Layer): number {
  switch (layer.kind) {
    case 'points':
      return layer.set.count;
    case 'flow':
      return layer.pathLength >= 2 ? Math.floor(layer.set.count / layer.pathLength) : 0;
    case 'paths':
      return layer.pathLength >= 2
        ? Math.floor(layer.set.count / layer.pathLength) * (layer.pathLength - 1)
        : 0;
    case 'arrows':
      return Math.min(layer.set.count, layer.grid * layer.grid);
  }
}

export class Renderer {
  private readonly layout: GPUBindGroupLayout;
  private readonly pipelines = new Map<string, GPURenderPipeline>();
  private readonly modules = new Map<string, GPUShaderModule>();
  private readonly uniforms: GPUBuffer;
  private readonly staging = new ArrayBuffer(UNIFORM_STRIDE * MAX_LAYERS);

  constructor(readonly device: GPUDevice) {
    this.layout = device.createBindGroupLayout({
      label: 'render points',
      entries: [
        { binding: 0, visibility: GPUShaderStage.VERTEX, buffer: { type: 'read-only-storage' } },
        {
          binding: 1,
          visibility: GPUShaderStage.VERTEX | GPUShaderStage.FRAGMENT,
          buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: UNIFORM_BYTES },
        },
        { binding: 2, visibility: GPUShaderStage.VERTEX, buffer: { type: 'read-only-storage' } },
      ],
    });
    this.uniforms = device.createBuffer({
      label: 'render uniforms',
      size: UNIFORM_STRIDE * MAX_LAYERS,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
  }

  /** Builds (once per format) the pipeline of a layer kind. Throws where the device cannot render. */
  pipeline(kind: Layer['kind'], format: GPUTextureFormat): GPURenderPipeline {
    const key = `${kind}/${format}`;
    let p = this.pipelines.get(key);
    if (p) return p;
    const e = entries[kind];
    let module = this.modules.get(e.source);
    if (!module) {
      module = this.device.createShaderModule({ label: `render ${kind}`, code: `${common}\n${e.source}` });
      this.modules.set(e.source, module);
    }
    p = this.device.createRenderPipeline({
      label: `render ${kind}`,
      layout: this.device.createPipelineLayout({ bindGroupLayouts: [this.layout] }),
      vertex: { module, entryPoint: e.vertex },
      fragment: {
        module,
        entryPoint: e.fragment,
        targets: [
          {
            format,
            blend: {
              color: { srcFactor: 'src-alpha', dstFactor: 'one-minus-src-alpha', operation: 'add' },
              alpha: { srcFactor: 'one', dstFactor: 'one-minus-src-alpha', operation: 'add' },
            },
          },
        ],
      },
      primitive: { topology: 'triangle-list' },
    });
    this.pipelines.set(key, p);
    return p;
  }

  private writeUniform(slot: number, frame: Frame, layer: Layer, first: number, labelFirst: number): void {
    const f32 = new Float32Array(this.staging, slot * UNIFORM_STRIDE, UNIFORM_BYTES / 4);
    const u32 = new Uint32Array(this.staging, slot * UNIFORM_STRIDE, UNIFORM_BYTES / 4);
    f32.set(frame.view, 0);
    f32.set(layer.color, 16);
    f32[20] = frame.width;
    f32[21] = frame.height;
    f32[22] = layer.size;
    u32[23] = first;
    u32[24] = layer.kind === 'paths' || layer.kind === 'flow' ? layer.pathLength : 0;
    u32[25] = layer.kind === 'arrows' ? layer.grid : 0;
    f32[26] = layer.kind === 'flow' ? layer.tau : 0;
    f32[27] = layer.kind === 'arrows' ? layer.scale : 0;
    f32.set(layer.kind === 'arrows' ? layer.box : [0, 0, 0, 0], 28);
    const labels = layer.kind === 'points' ? layer.labels : undefined;
    u32[32] = labels ? labels.classes : 0;
    u32[33] = labelFirst;
    new Int32Array(this.staging, slot * UNIFORM_STRIDE, UNIFORM_BYTES / 4)[34] =
      labels && layer.kind === 'points' ? (layer.highlight ?? -1) : -1;
    u32[35] = 0;
  }

  /** Records the frame's render pass into `encoder`. Layers draw in order (later on top). */
  encode(encoder: GPUCommandEncoder, frame: Frame, format: GPUTextureFormat): void {
    // a set that claims more points than its buffer holds is cut to the buffer (a bad count must not fail the pass)
    const layers = frame.layers
      .map(
        (l) =>
          ({
            ...l,
            set: {
              ...l.set,
              count: Math.min(l.set.count, Math.floor((l.set.buffer.size - l.set.offset) / 8)),
            },
          }) as Layer,
      )
      .filter((l) => instanceCount(l) > 0)
      .slice(0, MAX_LAYERS);
    const binds: GPUBindGroup[] = [];
    layers.forEach((layer, slot) => {
      const aligned = Math.floor(layer.set.offset / 256) * 256;
      const first = (layer.set.offset - aligned) / 8;
      const bytes = (first + layer.set.count) * 8;
      const points = { buffer: layer.set.buffer, offset: aligned, size: bytes };
      // the labels' rows (one f32 per class) at their own aligned offset; a layer without labels binds its points
      let labels = points;
      let labelFirst = 0;
      const lab = layer.kind === 'points' ? layer.labels : undefined;
      if (lab && lab.classes > 0) {
        const at = Math.floor(lab.offset / 256) * 256;
        labelFirst = (lab.offset - at) / 4;
        const size = Math.min(lab.buffer.size - at, (labelFirst + layer.set.count * lab.classes) * 4);
        labels = { buffer: lab.buffer, offset: at, size };
      }
      this.writeUniform(slot, frame, layer, first, labelFirst);
      binds.push(
        this.device.createBindGroup({
          layout: this.layout,
          entries: [
            { binding: 0, resource: points },
            { binding: 1, resource: { buffer: this.uniforms, offset: 0, size: UNIFORM_BYTES } },
            { binding: 2, resource: labels },
          ],
        }),
      );
    });
    if (layers.length > 0)
      this.device.queue.writeBuffer(this.uniforms, 0, this.staging, 0, layers.length * UNIFORM_STRIDE);
    const [r, g, b, a] = frame.background;
    const pass = encoder.beginRenderPass({
      colorAttachments: [
        {
          view: frame.target,
          loadOp: 'clear',
          storeOp: 'store',
          clearValue: { r: r * a, g: g * a, b: b * a, a },
        },
      ],
    });
    layers.forEach((layer, slot) => {
      pass.setPipeline(this.pipeline(layer.kind, format));
      pass.setBindGroup(0, binds[slot], [slot * UNIFORM_STRIDE]);
      pass.draw(entries[layer.kind].vertices, instanceCount(layer));
    });
    pass.end();
  }

  dispose(): void {
    this.uniforms.destroy();
  }
}
