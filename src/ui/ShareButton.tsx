/** Copies the link of this experiment (config, seed and hidden controls) to the clipboard. */
import { useState } from 'react';
import { shareUrl } from './urlSync.ts';

export function ShareButton() {
  const [copied, setCopied] = useState(false);
  const share = async () => {
    const url = shareUrl();
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
