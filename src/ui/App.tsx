/** The page: header, the flow canvas with its view controls, the side panel of the experiment, the plots. */
import { ControlPanel } from './ControlPanel.tsx';
import { DeviceLost } from './DeviceLost.tsx';
import { FlowCanvas } from './FlowCanvas.tsx';
import { Header } from './Header.tsx';
import { Notices } from './Notices.tsx';
import { MfmPanel } from './MfmPanel.tsx';
import { NoWebGpu } from './NoWebGpu.tsx';
import { Plots } from './plots/Plots.tsx';
import { PresetGallery } from './PresetGallery.tsx';
import { useCsvDrop } from './PointsPanel.tsx';
import { RunBar } from './RunBar.tsx';
import { usePlayground } from './store.ts';
import { useSpaceToPlay } from './useSpaceToPlay.ts';
import { ViewControls } from './ViewControls.tsx';

export function App() {
  const phase = usePlayground((s) => s.gpu.phase);
  useSpaceToPlay();
  const drop = useCsvDrop();
  return (
    <div className="app">
      <Header />
      <Notices />
      {phase === 'no-webgpu' ? (
        <NoWebGpu />
      ) : (
        <main className="layout">
          <section className="stage">
            <RunBar />
            <div
              className={`canvas-frame${drop.over ? ' drop-target' : ''}`}
              data-testid="canvas-frame"
              {...drop.handlers}
            >
              <FlowCanvas />
              {(phase === 'device-lost' || phase === 'error') && <DeviceLost />}
            </div>
            <ViewControls />
            <MfmPanel />
          </section>
          <aside className="panel">
            <ControlPanel />
          </aside>
          <section className="plots">
            <Plots />
          </section>
          <section className="gallery">
            <PresetGallery />
          </section>
        </main>
      )}
    </div>
  );
}
