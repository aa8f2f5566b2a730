/** Node only: Dawn's binding from the npm package `webgpu`. Never imported by the browser build. */
import { create, globals } from 'webgpu';

let instance: GPU | undefined;

export function nodeGpu(): GPU {
  if (!instance) {
    Object.assign(globalThis, globals); // GPUBufferUsage, GPUMapMode, ...
    process.env.XDG_RUNTIME_DIR ??= '/tmp';
    instance = create([]) as GPU; // never 'backend=null': it computes nothing
  }
  return instance;
}
