/**
 * Where a frame goes. `canvas`: the WebGPU context of the transferred OffscreenCanvas. `readback`: the same
 * pipelines draw into an offscreen texture that is read back and put on the canvas with a 2-D context - for
 * browsers whose WebGPU canvas cannot present (headless Chromium without a GPU), and for tests reading pixels.
 * `probeCanvasPresents` decides on a throwaway canvas, because a canvas that has a WebGPU context can never
 * get a 2-D one.
 */
import type { RenderPath } from '../state/protocol.ts';
import { READBACK_FORMAT, TextureReadback } from './readback.ts';
import type { Renderer } from './renderer.ts';

export interface Surface {
  readonly path: RenderPath;
  readonly format: GPUTextureFormat;
  width: number;
  height: number;
  /** The view to draw into, or null when this frame must be skipped (readback still in flight). */
  target(): GPUTextureView | null;
  /** Submits the encoder that drew into `target()` and shows the result. */
  present(encoder: GPUCommandEncoder): void;
  resize(width: number, height: number): void;
}

export function canvasSurface(device: GPUDevice, canvas: OffscreenCanvas): Surface {
  const context = canvas.getContext('webgpu');
  if (!context) throw new Error('This browser gives no WebGPU context for a canvas.');
  const format = navigator.gpu.getPreferredCanvasFormat();
  context.configure({ device, format, alphaMode: 'opaque' });
  return {
    path: 'canvas',
    format,
    get width() {
      return canvas.width;
    },
    get height() {
      return canvas.height;
    },
    target: () => context.getCurrentTexture().createView(),
    present(encoder) {
      device.queue.submit([encoder.finish()]);
    },
    resize(width, height) {
      canvas.width = width;
      canvas.height = height;
    },
  };
}

export function readbackSurface(
  device: GPUDevice,
  canvas: OffscreenCanvas,
  onError: (e: unknown) => void,
): Surface {
  const context = canvas.getContext('2d');
  if (!context) throw new Error('This browser gives no 2-D context for an OffscreenCanvas.');
  let readback = new TextureReadback(device, canvas.width, canvas.height);
  return {
    path: 'readback',
    format: READBACK_FORMAT,
    get width() {
      return readback.width;
    },
    get height() {
      return readback.height;
    },
    target: () => (readback.ready ? readback.view : null),
    present(encoder) {
      const current = readback;
      const pixels = current.submit(encoder);
      pixels?.then((data) => {
        if (current !== readback) return; // resized meanwhile
        context.putImageData(new ImageData(data, current.width, current.height), 0, 0);
      }, onError);
    },
    resize(width, height) {
      canvas.width = width;
      canvas.height = height;
      const old = readback;
      readback = new TextureReadback(device, width, height);
      // the old texture may still be read; destroy it once the queue is past it
      void device.queue.onSubmittedWorkDone().then(() => old.dispose());
    },
  };
}

/**
 * True when a WebGPU canvas presents here: configure a small canvas, build the real pipeline for its format,
 * clear it to a colour and read the colour back through a 2-D canvas. Any throw or a wrong colour means no.
 */
export async function probeCanvasPresents(device: GPUDevice, renderer: Renderer): Promise<boolean> {
  try {
    const probe = new OffscreenCanvas(4, 4);
    const context = probe.getContext('webgpu');
    if (!context) return false;
    const format = navigator.gpu.getPreferredCanvasFormat();
    device.pushErrorScope('validation');
    context.configure({ device, format, alphaMode: 'opaque' });
    renderer.pipeline('points', format);
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginRenderPass({
      colorAttachments: [
        {
          view: context.getCurrentTexture().createView(),
          loadOp: 'clear',
          storeOp: 'store',
          clearValue: { r: 1, g: 0.5, b: 0, a: 1 },
        },
      ],
    });
    pass.end();
    device.queue.submit([encoder.finish()]);
    const error = await device.popErrorScope();
    if (error) return false;
    await device.queue.onSubmittedWorkDone();
    const bitmap = probe.transferToImageBitmap();
    const check = new OffscreenCanvas(4, 4).getContext('2d');
    if (!check) return false;
    check.drawImage(bitmap, 0, 0);
    const [r, g, b, a] = check.getImageData(1, 1, 1, 1).data;
    return r > 200 && g > 90 && g < 170 && b < 60 && a > 200;
  } catch {
    return false;
  }
}
