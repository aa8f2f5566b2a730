/** Space toggles play and pause, unless the focus is in a field that takes the key itself. */
import { useEffect } from 'react';
import { store } from './store.ts';

export function useSpaceToPlay(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.code !== 'Space' || e.repeat) return;
      const el = e.target as HTMLElement | null;
      if (el && el.closest('input, select, textarea, button, [contenteditable]') !== null) return;
      e.preventDefault();
      const s = store.getState();
      if (s.status.running) s.pause();
      else s.play();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
