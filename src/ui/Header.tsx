/** Title, the adapter the page runs on, the Open checkpoint, Export to PyTorch and Share buttons. */
import { CheckpointOpen } from './CheckpointOpen.tsx';
import { ExportButton } from './ExportButton.tsx';
import { ShareButton } from './ShareButton.tsx';
import { usePlayground } from './store.ts';

export function Header() {
  const adapter = usePlayground((s) => s.gpu.adapter);
  const path = usePlayground((s) => s.gpu.renderPath);
  const buffers = usePlayground((s) => s.status.gpuBuffers);
  return (
    <header className="header">
      <div className="brand">
        <span className="logo" aria-hidden="true" />
        <h1>FlowMap Lab</h1>
        <span className="tagline">train 2-D flows and flow maps live on your GPU</span>
      </div>
      <div className="header-right">
        {adapter && (
          <span
            className="adapter"
            data-testid="adapter"
            data-gpu-buffers={buffers}
            title={
              path === 'readback' ? 'drawn offscreen and copied to the page' : 'drawn on a WebGPU canvas'
            }
          >
            {adapter.replace('WebGPU adapter: ', '')}
            {path === 'readback' ? ' · readback' : ''}
          </span>
        )}
        <CheckpointOpen />
        <ExportButton />
        <ShareButton />
      </div>
    </header>
  );
}
