/**
 * Opens a .safetensors checkpoint (written by `flowmap-lab train`) in the page: a file button, a drop anywhere
 * on the page, or `?checkpoint=URL`. The store loads its config and sends its parameters to the worker.
 */
import { useEffect } from 'react';
import { store } from './store.ts';

async function open(file: File): Promise<void> {
  store.getState().loadCheckpoint(await file.arrayBuffer(), file.name);
}

/** `?checkpoint=URL`: fetched once at start (same origin or CORS). */
export function loadCheckpointFromQuery(): void {
  const url = new URLSearchParams(location.search).get('checkpoint');
  if (!url) return;
  fetch(url)
    .then((r) => {
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      return r.arrayBuffer();
    })
    .then(
      (bytes) => store.getState().loadCheckpoint(bytes, url),
      (e: unknown) => store.getState().notify('warning', `Could not fetch checkpoint=${url}: ${String(e)}.`),
    );
}

export function CheckpointOpen() {
  useEffect(() => {
    const over = (e: DragEvent) => e.preventDefault();
    const drop = (e: DragEvent) => {
      const file = e.dataTransfer?.files[0];
      if (!file) return;
      e.preventDefault();
      void open(file);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, []);
  return (
    <label
      className="button"
      title="Open a .safetensors checkpoint written by flowmap-lab train (or drop it on the page)"
    >
      Open checkpoint
      <input
        type="file"
        accept=".safetensors"
        data-testid="checkpoint-input"
        hidden
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) void open(file);
          e.target.value = '';
        }}
      />
    </label>
  );
}
