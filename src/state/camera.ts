/**
 * The 2-D camera: a centre and a half-height in data units, shown in a viewport of `width x height` pixels.
 * The view matrix is an orthographic projection (wgpu-matrix `mat4.ortho`, WebGPU clip space, z in [0, 1]).
 * `worldToPixel` is the float64 reference of what the render shaders compute for a point's position.
 */
import { mat4, mat4d } from 'wgpu-matrix';

export interface Camera {
  cx: number;
  cy: number;
  /** half of the visible height, in data units */
  halfHeight: number;
}

export interface Viewport {
  width: number;
  height: number;
}

/** Shows [-4.5, 4.5]^2 at the start: every toy dataset and the N(0, I) prior fit. */
export const DEFAULT_CAMERA: Camera = { cx: 0, cy: 0, halfHeight: 4.5 };

/** The visible box (x0, y0, x1, y1) in data units. */
export function viewBox(c: Camera, v: Viewport): [number, number, number, number] {
  const halfWidth = (c.halfHeight * v.width) / Math.max(1, v.height);
  return [c.cx - halfWidth, c.cy - c.halfHeight, c.cx + halfWidth, c.cy + c.halfHeight];
}

/** World -> clip matrix for the render shaders (column-major, f32). */
export function viewMatrix(c: Camera, v: Viewport): Float32Array {
  const [x0, y0, x1, y1] = viewBox(c, v);
  return mat4.ortho(x0, x1, y0, y1, -1, 1) as Float32Array;
}

/** Pixel coordinates (origin top-left, y down) of a world point: the float64 twin of the vertex shaders. */
export function worldToPixel(c: Camera, v: Viewport, x: number, y: number): [number, number] {
  const [x0, y0, x1, y1] = viewBox(c, v);
  const m = mat4d.ortho(x0, x1, y0, y1, -1, 1);
  const clipX = m[0] * x + m[4] * y + m[12];
  const clipY = m[1] * x + m[5] * y + m[13];
  return [((clipX + 1) / 2) * v.width, ((1 - clipY) / 2) * v.height];
}

/** World point under a pixel (for zooming about the cursor). */
export function pixelToWorld(c: Camera, v: Viewport, px: number, py: number): [number, number] {
  const [x0, y0, x1, y1] = viewBox(c, v);
  return [x0 + (px / v.width) * (x1 - x0), y1 - (py / v.height) * (y1 - y0)];
}

/** Zoom by `factor` (< 1 zooms in) keeping the world point under pixel (px, py) fixed. */
export function zoomAt(c: Camera, v: Viewport, px: number, py: number, factor: number): Camera {
  const [wx, wy] = pixelToWorld(c, v, px, py);
  const halfHeight = Math.min(100, Math.max(0.05, c.halfHeight * factor));
  const k = halfHeight / c.halfHeight;
  return { cx: wx + (c.cx - wx) * k, cy: wy + (c.cy - wy) * k, halfHeight };
}

/** Pan by a drag of (dx, dy) pixels. */
export function panBy(c: Camera, v: Viewport, dx: number, dy: number): Camera {
  const unitsPerPixel = (2 * c.halfHeight) / Math.max(1, v.height);
  return { ...c, cx: c.cx - dx * unitsPerPixel, cy: c.cy + dy * unitsPerPixel };
}

/** Position at fraction `tau` in [0, 1] along a polyline of `length` points stored from `first` in `xy`. */
export function pointAlongPath(
  xy: ArrayLike<number>,
  first: number,
  length: number,
  tau: number,
): [number, number] {
  const u = Math.min(1, Math.max(0, tau)) * (length - 1);
  const k = Math.min(length - 2, Math.floor(u));
  const f = u - k;
  const a = 2 * (first + k);
  const b = a + 2;
  return [xy[a] + f * (xy[b] - xy[a]), xy[a + 1] + f * (xy[b + 1] - xy[a + 1])];
}
