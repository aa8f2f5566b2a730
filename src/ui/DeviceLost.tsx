/** Over the canvas when the GPU device is lost or the worker failed: the config stays in the link; reload. */
import { usePlayground } from './store.ts';

export function DeviceLost() {
  const message = usePlayground((s) => s.gpu.message);
  const lost = usePlayground((s) => s.gpu.phase === 'device-lost');
  return (
    <div className="overlay" data-testid="device-lost">
      <h3>{lost ? 'The GPU stopped' : 'Something went wrong'}</h3>
      <p>{message}</p>
      <button className="button primary" onClick={() => location.reload()}>
        Reload with this experiment
      </button>
    </div>
  );
}
