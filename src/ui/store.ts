/** The page's store instance and the React hook that reads a slice of it. */
import { useStore } from 'zustand';
import { createPlaygroundStore, type PlaygroundActions, type PlaygroundState } from '../state/store.ts';

export const store = createPlaygroundStore();

export function usePlayground<T>(selector: (s: PlaygroundState & PlaygroundActions) => T): T {
  return useStore(store, selector);
}

/** True when a lesson link hides this control (`hide=` names URL keys like `lr`, `p.ratio`, or a section). */
export function useHidden(...keys: string[]): boolean {
  return usePlayground((s) => keys.some((k) => s.hide.includes(k)));
}
