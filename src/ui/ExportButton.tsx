/** Downloads this experiment as one PyTorch training script (the file `flowmap-lab export` writes). */
import { exportFileName, exportScript } from '../export/index.ts';
import { resolveExperiment } from '../train/config.ts';
import { store } from './store.ts';

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/x-python' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function ExportButton() {
  const exportNow = () => {
    try {
      const config = resolveExperiment(store.getState().config);
      download(exportFileName(config), exportScript(config));
    } catch (e) {
      store.getState().notify('warning', (e as Error).message);
    }
  };
  return (
    <button
      className="button"
      data-testid="export-pytorch"
      onClick={exportNow}
      title="Download a PyTorch training script of this experiment (multi-GPU with torchrun; docs/export.md)"
    >
      Export to PyTorch
    </button>
  );
}
