/**
 * Keeps the URL hash and the experiment in step: the hash is read at start and on `hashchange` (someone edited
 * the link by hand), and rewritten (replaceState, no history spam) when the config changes. Ignored fields of a
 * link become one visible notice.
 */
import { paramsSchemaOf } from '../state/methods.ts';
import { isCompareHash } from '../state/compareUrl.ts';
import { decodeLink, encodeLink } from '../state/datasetUrl.ts';
import { mfmLinkOfView, viewOfMfmLink } from '../state/mfmUrl.ts';
import type { PlaygroundState } from '../state/store.ts';
import { store } from './store.ts';

let lastWritten = '';

function readHash(): void {
  const hash = location.hash;
  if (hash.replace(/^#/, '') === lastWritten) return;
  if (hash === '' || hash === '#') return;
  // compare mode is chosen when the page loads (src/ui/main.tsx): a compare link opens as a new load
  if (isCompareHash(hash)) {
    location.reload();
    return;
  }
  const { config, hide, ignored, sampleClass, mfm } = decodeLink(hash, paramsSchemaOf);
  store.getState().load(config, hide);
  store.getState().setView({ sampleClass: sampleClass ?? -1, ...viewOfMfmLink(mfm) });
  if (ignored.length > 0)
    store
      .getState()
      .notify(
        'warning',
        `Some fields of this link were ignored and use their defaults: ${ignored.join('; ')}.`,
      );
  writeHash();
}

/** What the link holds of the page's state: the experiment, the class shown, the MFM view. */
const linked = ({ config, hide, view }: PlaygroundState) => ({
  config,
  hide,
  sampleClass: view.sampleClass,
  mfm: mfmLinkOfView(view),
});

function writeHash(): void {
  const text = encodeLink(linked(store.getState())).hash;
  if (text === lastWritten) return;
  lastWritten = text;
  history.replaceState(null, '', `${location.pathname}${location.search}#${text}`);
}

/** The link to this experiment, as the Share button copies it. */
export function shareUrl(): string {
  return `${location.origin}${location.pathname}${location.search}#${encodeLink(linked(store.getState())).hash}`;
}

export function startUrlSync(): void {
  readHash();
  store.subscribe((s, prev) => {
    const v = s.view;
    const w = prev.view;
    if (
      s.config !== prev.config ||
      s.hide !== prev.hide ||
      v.sampleClass !== w.sampleClass ||
      v.posteriorAt !== w.posteriorAt ||
      v.reward !== w.reward ||
      v.estimator !== w.estimator ||
      v.mc !== w.mc ||
      (v.posteriorAt && v.fieldT !== w.fieldT)
    )
      writeHash();
  });
  window.addEventListener('hashchange', readHash);
}
