/**
 * The render pipelines of the playground on the real adapter, against the float64 reference of where each
 * primitive must land (worldToPixel, pointAlongPath): the drawn pixels are read back from an offscreen texture
 * exactly as the browser's readback path does.
 */
import { describe, expect, it } from 'vitest';
import { testGpu } from '../gpu.ts';
import { Renderer, type Layer, type Rgba } from '../../src/worker/renderer.ts';
import { READBACK_FORMAT, TextureReadback } from '../../src/worker/readback.ts';
import {
  DEFAULT_CAMERA,
  pointAlongPath,
  viewMatrix,
  worldToPixel,
  type Camera,
} from '../../src/state/camera.ts';

const W = 96;
const H = 64;
const WHITE: Rgba = [1, 1, 1, 1];
const RED: Rgba = [1, 0, 0, 1];
const BLUE: Rgba = [0, 0, 1, 1];

function pointBuffer(device: GPUDevice, xy: number[], padPoints = 0) {
  const data = new Float32Array(2 * padPoints + xy.length);
  data.fill(1e6); // padding points far outside the view: drawn only if the offset were wrong
  data.set(xy, 2 * padPoints);
  const buffer = device.createBuffer({
    size: Math.max(256, data.byteLength),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(buffer, 0, data);
  return { buffer, offset: 8 * padPoints, count: xy.length / 2 };
}

async function render(device: GPUDevice, layers: Layer[], camera: Camera = DEFAULT_CAMERA) {
  const renderer = new Renderer(device);
  const target = new TextureReadback(device, W, H);
  const encoder = device.createCommandEncoder();
  renderer.encode(
    encoder,
    {
      target: target.view,
      width: W,
      height: H,
      view: viewMatrix(camera, { width: W, height: H }),
      background: WHITE,
      layers,
    },
    READBACK_FORMAT,
  );
  const pixels = await target.submit(encoder)!;
  target.dispose();
  renderer.dispose();
  return (x: number, y: number) => {
    const i = 4 * (Math.floor(y) * W + Math.floor(x));
    return [pixels[i], pixels[i + 1], pixels[i + 2]] as const;
  };
}

const isWhite = ([r, g, b]: readonly number[]) => r > 250 && g > 250 && b > 250;
const isRed = ([r, g, b]: readonly number[]) => r > 200 && g < 60 && b < 60;
const isBlueish = ([r, g, b]: readonly number[]) => b > 200 && r < 200 && g < 200;
const px = (c: Camera, x: number, y: number) => worldToPixel(c, { width: W, height: H }, x, y);

describe('render pipelines', () => {
  it('draws each point where the reference projection puts it, honouring an unaligned offset', async () => {
    const { device } = await testGpu();
    const xy = [0, 0, -3, 2, 4, -3.5, 1.25, 1.5];
    const pixel = await render(device, [
      { kind: 'points', set: pointBuffer(device, xy, 33), color: RED, size: 6 },
    ]);
    for (let i = 0; i < xy.length; i += 2) {
      const [x, y] = px(DEFAULT_CAMERA, xy[i], xy[i + 1]);
      expect(isRed(pixel(x, y)), `point ${i / 2} at pixel (${x.toFixed(1)}, ${y.toFixed(1)})`).toBe(true);
      expect(isWhite(pixel(x + 6, y)), 'a point is about 6 pixels wide, not more').toBe(true);
    }
    expect(isWhite(pixel(2, 2))).toBe(true);
  });

  it('follows the camera: zoomed and panned', async () => {
    const { device } = await testGpu();
    const camera: Camera = { cx: 1, cy: -0.5, halfHeight: 2 };
    const pixel = await render(
      device,
      [{ kind: 'points', set: pointBuffer(device, [1.5, 0.25]), color: RED, size: 5 }],
      camera,
    );
    const [x, y] = px(camera, 1.5, 0.25);
    expect(isRed(pixel(x, y))).toBe(true);
    const [x0, y0] = px(DEFAULT_CAMERA, 1.5, 0.25);
    expect(isWhite(pixel(x0, y0))).toBe(true);
  });

  it('draws polylines through their points and nothing between separate paths', async () => {
    const { device } = await testGpu();
    // two paths of 3 points; a gap must stay between the end of path 0 and the start of path 1
    const xy = [-4, -3, -2, 3, 0, -3, 1, 3, 2.5, -3, 4, 3];
    const pixel = await render(device, [
      { kind: 'paths', set: pointBuffer(device, xy), color: BLUE, size: 3, pathLength: 3 },
    ]);
    for (const [a, b] of [
      [0, 1],
      [1, 2],
      [3, 4],
      [4, 5],
    ]) {
      const [x, y] = px(DEFAULT_CAMERA, (xy[2 * a] + xy[2 * b]) / 2, (xy[2 * a + 1] + xy[2 * b + 1]) / 2);
      expect(isBlueish(pixel(x, y)), `segment ${a}-${b}`).toBe(true);
    }
    const [gx, gy] = px(DEFAULT_CAMERA, 0.5, 0); // between (0,-3) and (1,3): not a segment
    expect(isWhite(pixel(gx, gy))).toBe(true);
  });

  it('animates the flow: one point per path at tau along it, as pointAlongPath computes', async () => {
    const { device } = await testGpu();
    const xy = [-4, -3, -1, 3, 2, -1, 3, 3, 0, 2, -3, -2.5];
    for (const tau of [0, 0.3, 0.75, 1]) {
      const pixel = await render(device, [
        { kind: 'flow', set: pointBuffer(device, xy), color: RED, size: 5, pathLength: 3, tau },
      ]);
      for (let p = 0; p < 2; p++) {
        const [wx, wy] = pointAlongPath(xy, p * 3, 3, tau);
        const [x, y] = px(DEFAULT_CAMERA, wx, wy);
        expect(isRed(pixel(x, y)), `path ${p} at tau ${tau}`).toBe(true);
      }
      const [ex, ey] = px(DEFAULT_CAMERA, ...pointAlongPath(xy, 0, 3, tau > 0.5 ? 0 : 1));
      expect(isWhite(pixel(ex, ey)), `path 0 is not drawn at the other end at tau ${tau}`).toBe(true);
    }
  });

  it('draws arrows from the grid cell centres along the vectors', async () => {
    const { device } = await testGpu();
    const grid = 3;
    const box: [number, number, number, number] = [-4.5, -4.5, 4.5, 4.5];
    // cell (col, row): row 0 at the bottom. Vectors: right, up, left, down, ...
    const dirs = [
      [1, 0],
      [0, 1],
      [-1, 0],
      [0, -1],
    ];
    const xy: number[] = [];
    for (let i = 0; i < grid * grid; i++) xy.push(...dirs[i % 4]);
    const scale = 2;
    const pixel = await render(device, [
      { kind: 'arrows', set: pointBuffer(device, xy), color: BLUE, size: 2, grid, box, scale },
    ]);
    const cell = 3;
    for (let i = 0; i < grid * grid; i++) {
      const cx = box[0] + ((i % grid) + 0.5) * cell;
      const cy = box[1] + (Math.floor(i / grid) + 0.5) * cell;
      const [dx, dy] = dirs[i % 4];
      const [ax, ay] = px(DEFAULT_CAMERA, cx + 0.3 * scale * dx, cy + 0.3 * scale * dy);
      expect(isBlueish(pixel(ax, ay)), `arrow ${i} shaft`).toBe(true);
      const [bx, by] = px(DEFAULT_CAMERA, cx - 0.5 * scale * dx, cy - 0.5 * scale * dy);
      expect(isWhite(pixel(bx, by)), `arrow ${i} points one way only`).toBe(true);
    }
  });

  it('blends layers in order: a later layer covers an earlier one', async () => {
    const { device } = await testGpu();
    const set = pointBuffer(device, [0, 0]);
    const pixel = await render(device, [
      { kind: 'points', set, color: BLUE, size: 8 },
      { kind: 'points', set, color: RED, size: 8 },
    ]);
    const [x, y] = px(DEFAULT_CAMERA, 0, 0);
    expect(isRed(pixel(x, y))).toBe(true);
    const half = await render(device, [{ kind: 'points', set, color: [1, 0, 0, 0.5], size: 8 }]);
    const [r, g, b] = half(x, y);
    expect(r).toBeGreaterThan(250);
    expect(Math.abs(g - 128)).toBeLessThan(8);
    expect(Math.abs(b - 128)).toBeLessThan(8);
  });
});

describe('render pipelines with a bad point count', () => {
  it('draw what the buffer holds instead of failing the whole pass', async () => {
    const { device } = await testGpu();
    const set = pointBuffer(device, [0, 0]);
    device.pushErrorScope('validation');
    const pixel = await render(device, [
      { kind: 'points', set: { ...set, count: 10_000 }, color: RED, size: 6 },
    ]);
    expect(await device.popErrorScope()).toBeNull();
    const [x, y] = px(DEFAULT_CAMERA, 0, 0);
    expect(isRed(pixel(x, y))).toBe(true);
  });
});

describe('arrows of a slow field', () => {
  it('stay at least 5 pixels long in the direction of the vector', async () => {
    const { device } = await testGpu();
    const box: [number, number, number, number] = [-4.5, -4.5, 4.5, 4.5];
    // one cell covering the box; a tiny vector pointing left
    const pixel = await render(device, [
      { kind: 'arrows', set: pointBuffer(device, [-0.01, 0]), color: BLUE, size: 2, grid: 1, box, scale: 1 },
    ]);
    const [x, y] = px(DEFAULT_CAMERA, 0, 0);
    // a faint arrow (opacity 0.3 for a slow field): blue-tinted, not white
    const tinted = ([r, g, b]: readonly number[]) => b > 240 && r < 235 && g < 235;
    expect(tinted(pixel(x - 2.5, y - 0.5)), `shaft to the left: ${pixel(x - 2.5, y - 0.5)}`).toBe(true);
    expect(isWhite(pixel(x + 4, y - 0.5)), 'nothing to the right').toBe(true);
  });
});
