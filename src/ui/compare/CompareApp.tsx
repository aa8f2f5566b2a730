/**
 * Compare mode: 2 to 4 methods on the same data, seed and evaluation noise, in one page with one worker
 * and one GPU device. A canvas panel per member, one overlaid set of plots, the summary table; play,
 * pause, step and reset act on all; a member can be added or removed without resetting the others.
 */
import { useEffect, useState } from 'react';
import { encodeCompare, memberEntries } from '../../state/compareUrl.ts';
import { Notices } from '../Notices.tsx';
import { usePlayground } from '../store.ts';
import { addMember, compareStore, resetAll, sendCompare, useCompare } from './compareStore.ts';
import { ComparePanel } from './ComparePanel.tsx';
import { ComparePlots } from './ComparePlots.tsx';
import { CompareTable } from './CompareTable.tsx';

/** The comparison's link as it is now (members added or removed included). */
export function compareHash(): string {
  const s = compareStore.getState();
  if (!s.base) return '';
  return encodeCompare({ base: s.base, nfe: s.nfe, hide: s.hide, members: s.members }).hash;
}

function RunButtons() {
  const running = useCompare((s) => s.members.some((m) => m.status.running));
  const ready = useCompare((s) => s.ready);
  const [spf, setSpf] = useState(8);
  return (
    <div className="runbar">
      <div className="buttons">
        {running ? (
          <button
            className="button round primary"
            data-testid="pause"
            onClick={() => sendCompare({ type: 'pause' })}
          >
            ❚❚
          </button>
        ) : (
          <button
            className="button round primary"
            data-testid="play"
            disabled={!ready}
            onClick={() => sendCompare({ type: 'play' })}
          >
            ▶
          </button>
        )}
        <button className="button" data-testid="step" onClick={() => sendCompare({ type: 'step', steps: 1 })}>
          step
        </button>
        <button className="button" data-testid="reset" onClick={resetAll}>
          reset
        </button>
      </div>
      <label className="muted">
        steps per frame (each member){' '}
        <input
          type="number"
          min={1}
          max={256}
          value={spf}
          data-testid="compare-spf"
          onChange={(e) => {
            const v = Math.max(1, Math.min(256, Math.round(Number(e.target.value)) || 1));
            setSpf(v);
            sendCompare({ type: 'stepsPerFrame', steps: v });
          }}
        />
      </label>
    </div>
  );
}

function AddMember() {
  const count = useCompare((s) => s.members.length);
  const [entry, setEntry] = useState('fm');
  return (
    <div className="compare-add">
      <select value={entry} onChange={(e) => setEntry(e.target.value)} data-testid="compare-entry">
        {memberEntries().map((m) => (
          <option key={m} value={m}>
            {m}
          </option>
        ))}
      </select>
      <button
        className="button"
        data-testid="compare-add"
        disabled={count >= 4}
        onClick={() => addMember(entry)}
      >
        add method
      </button>
    </div>
  );
}

export function CompareApp() {
  const members = useCompare((s) => s.members);
  const adapter = usePlayground((s) => s.gpu.adapter);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    const hash = compareHash();
    if (hash) history.replaceState(null, '', `${location.pathname}${location.search}#${hash}`);
  }, [members.length]);
  return (
    <div className="app">
      <header className="header">
        <div className="brand">
          <span className="logo" aria-hidden="true" />
          <h1>FlowMap Lab</h1>
          <span className="tagline">compare methods on the same data, seed and noise</span>
        </div>
        <div className="header-right">
          {adapter && (
            <span className="adapter" data-testid="adapter">
              {adapter.replace('WebGPU adapter: ', '')}
            </span>
          )}
          <button
            className="button primary"
            data-testid="share"
            onClick={async () => {
              const url = `${location.origin}${location.pathname}${location.search}#${compareHash()}`;
              try {
                await navigator.clipboard.writeText(url);
                setCopied(true);
                setTimeout(() => setCopied(false), 1600);
              } catch {
                window.prompt('Copy this link:', url);
              }
            }}
          >
            {copied ? 'Link copied' : 'Share'}
          </button>
        </div>
      </header>
      <Notices />
      <main className="compare-layout">
        <RunButtons />
        <div className="compare-panels">
          {members.map((m, i) => (
            <ComparePanel key={m.id} member={m} index={i} />
          ))}
        </div>
        <AddMember />
        <ComparePlots />
        <CompareTable />
      </main>
    </div>
  );
}
