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
