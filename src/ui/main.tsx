/** Entry of the playground page: read the link, then render. The worker starts when the canvas mounts. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { CompareApp } from './compare/CompareApp.tsx';
import { loadComparison } from './compare/compareStore.ts';
import { startCompareWorker } from './compare/compareClient.ts';
import { decodeCompare, isCompareHash } from '../state/compareUrl.ts';
import { paramsSchemaOf } from '../state/methods.ts';
import { store } from './store.ts';
import { loadCheckpointFromQuery } from './CheckpointOpen.tsx';
import { startUrlSync } from './urlSync.ts';
import './styles.css';

// A link with compare= opens compare mode (src/state/compareUrl.ts); any other link the single experiment.
const compare = isCompareHash(location.hash);
if (compare) {
  const c = decodeCompare(location.hash, paramsSchemaOf);
  loadComparison(c);
  startCompareWorker(); // before the panels mount: they hand their canvases to it
  if (c.ignored.length > 0)
    store
      .getState()
      .notify(
        'warning',
        `Some fields of this link were ignored and use their defaults: ${c.ignored.join('; ')}.`,
      );
} else {
  startUrlSync();
  loadCheckpointFromQuery();
}
createRoot(document.getElementById('root')!).render(
  <StrictMode>{compare ? <CompareApp /> : <App />}</StrictMode>,
);
