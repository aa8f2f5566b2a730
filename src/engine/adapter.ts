/** A one-line description of the adapter a run got: hardware GPU, lavapipe or SwiftShader. */

export interface AdapterDescription {
  kind: 'hardware' | 'lavapipe' | 'swiftshader' | 'software';
  vendor: string;
  device: string;
  description: string;
  /** e.g. "WebGPU adapter: lavapipe (llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)), software" */
  line: string;
}

export function describeAdapter(adapter: GPUAdapter): AdapterDescription {
  const info = adapter.info;
  const vendor = info.vendor ?? '';
  const device = info.device ?? '';
  const description = info.description ?? '';
  const text = `${vendor} ${info.architecture ?? ''} ${device} ${description}`.toLowerCase();
  const fallback = Boolean((info as { isFallbackAdapter?: boolean }).isFallbackAdapter);
  const kind: AdapterDescription['kind'] = text.includes('llvmpipe')
    ? 'lavapipe'
    : text.includes('swiftshader')
      ? 'swiftshader'
      : fallback
        ? 'software'
        : 'hardware';
  const name = description || device || vendor || 'unknown';
  return {
    kind,
    vendor,
    device,
    description,
    line: `WebGPU adapter: ${kind} (${name})${kind === 'hardware' ? '' : ', software'}`,
  };
}
