/** Shown instead of the playground where no WebGPU adapter exists: what to do, in plain words. */
import { usePlayground } from './store.ts';

export function NoWebGpu() {
  const message = usePlayground((s) => s.gpu.message);
  return (
    <div className="fallback" data-testid="no-webgpu">
      <h2>This browser has no WebGPU</h2>
      <p>
        FlowMap Lab trains its networks on your GPU through WebGPU, and this browser did not give the page a
        GPU adapter.
      </p>
      <ul>
        <li>Chrome or Edge 113 or newer on Windows, macOS or ChromeOS works out of the box.</li>
        <li>
          On Linux, start Chrome with <code>--enable-unsafe-webgpu --enable-features=Vulkan</code>.
        </li>
        <li>Firefox 141+ and Safari 26+ have WebGPU too; check that hardware acceleration is on.</li>
        <li>
          Open <code>chrome://gpu</code>: WebGPU should read &quot;Hardware accelerated&quot;.
        </li>
      </ul>
      <p className="muted small">Detail: {message}</p>
      <p className="muted">
        Your experiment is kept in this page&apos;s link: open it again in a browser with WebGPU.
      </p>
    </div>
  );
}
