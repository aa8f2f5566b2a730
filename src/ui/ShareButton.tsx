/** Copies the link of this experiment (config, seed and hidden controls) to the clipboard. */
import { useState } from 'react';
import { encodeLink } from '../state/datasetUrl.ts';
import { store } from './store.ts';
import { shareUrl } from './urlSync.ts';

export function ShareButton() {
  const [copied, setCopied] = useState(false);
  const share = async () => {
    const url = shareUrl();
    const { config, hide, notify } = store.getState();
    const { refused } = encodeLink({ config, hide });
    if (refused)
      notify('warning', `The link leaves your points out: ${refused} (Download CSV, beside Draw).`);
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
      setTimeout(() => setCopied(false), 1600);
    } catch {
      window.prompt('Copy this link:', url);
    }
  };
  return (
    <button
      className="button primary"
      data-testid="share"
      onClick={share}
      title="Copy a link that reproduces this experiment"
    >
      {copied ? 'Link copied' : 'Share'}
    </button>
  );
}
