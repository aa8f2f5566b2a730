/** The drawing tool's settings (mode, brush size in pixels) and the stroke in progress, apart from the experiment. */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { DrawMode } from '../state/drawing.ts';

export interface DrawToolState {
  mode: DrawMode;
  /** Brush radius in screen pixels. */
  brush: number;
  /** Points of the set being edited (flat pairs, data units): committed to the config when a stroke ends. */
  draft: number[] | null;
}

export const drawTool = createStore<DrawToolState>()(() => ({ mode: 'off', brush: 12, draft: null }));

export function useDrawTool<T>(selector: (s: DrawToolState) => T): T {
  return useStore(drawTool, selector);
}
