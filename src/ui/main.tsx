/** Entry of the playground page: read the link, then render. The worker starts when the canvas mounts. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { loadCheckpointFromQuery } from './CheckpointOpen.tsx';
import { startUrlSync } from './urlSync.ts';
import './styles.css';

startUrlSync();
loadCheckpointFromQuery();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
