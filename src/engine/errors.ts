/** Named errors of the engine. Each message says what to do. */

export class NoAdapterError extends Error {
  override name = 'NoAdapterError';
  constructor(where: 'browser' | 'node', detail = '') {
    super(
      where === 'browser'
        ? 'No WebGPU adapter. Use Chrome or Edge 113+ (or Firefox 141+, Safari 26+) with hardware acceleration on; ' +
            'on Linux start Chrome with --enable-unsafe-webgpu (and --enable-features=Vulkan), ' +
            'and check chrome://gpu that WebGPU is "Hardware accelerated".' +
            (detail ? ` (${detail})` : '')
        : 'No WebGPU adapter in Node. Install a Vulkan driver: on Debian run `npm run setup:system` as root ' +
            '(mesa-vulkan-drivers from bookworm-backports gives lavapipe; chromium brings SwiftShader, ' +
            'select it with VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json); ' +
            'on a machine with a GPU install its Vulkan driver.' +
            (detail ? ` (${detail})` : ''),
    );
  }
}

export class DeviceLostError extends Error {
  override name = 'DeviceLostError';
  constructor(
    readonly reason: string,
    detail: string,
  ) {
    super(
      `The GPU device was lost (${reason}: ${detail}). Your configuration is kept; ` +
        'reload the page or restart the run to get a new device.',
    );
  }
}

/** A WGSL kernel failed to compile. `file`/`line`/`column` point into the .wgsl file that holds the error. */
export class ShaderCompileError extends Error {
  override name = 'ShaderCompileError';
  constructor(
    readonly kernel: string,
    readonly file: string,
    readonly line: number,
    readonly column: number,
    detail: string,
  ) {
    super(
      `Kernel "${kernel}" does not compile: shaders/${file}.wgsl:${line}:${column}: ${detail}. ` +
        `Fix the WGSL at that line (run with debug level 2 to print the expanded source).`,
    );
  }
}

/** A pipeline or bind group was rejected by WebGPU validation (a wrong binding, size or limit). */
export class KernelValidationError extends Error {
  override name = 'KernelValidationError';
  constructor(kernel: string, detail: string) {
    super(
      `WebGPU rejected kernel "${kernel}": ${detail}. Check the views' sizes and 256-byte offsets passed to it.`,
    );
  }
}

/** A tensor view does not fit the kernel's requirements. */
export class ViewError extends Error {
  override name = 'ViewError';
  constructor(detail: string) {
    super(`${detail}. Views need offsets that are multiples of 256 bytes and sizes that cover the tensor.`);
  }
}
