/** One member's canvas: transferred to the compare worker once, on mount; removed from it on unmount. */
import { useEffect, useRef } from 'react';
import { removeMember, sendCompare, useCompare, type MemberState } from './compareStore.ts';

const sent = new Set<number>();

export function ComparePanel({ member, index }: { member: MemberState; index: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const count = useCompare((s) => s.members.length);
  const nfe = useCompare((s) => s.nfe);
  useEffect(() => {
    const canvas = ref.current!;
    if (sent.has(member.id)) return;
    sent.add(member.id);
    const r = canvas.getBoundingClientRect();
    const dpr = Math.min(2, window.devicePixelRatio || 1);
    const size = Math.max(64, Math.round(r.width * dpr));
    const offscreen = canvas.transferControlToOffscreen();
    sendCompare(
      { type: 'add', id: member.id, canvas: offscreen, width: size, height: size, config: member.config },
      [offscreen],
    );
  }, [member.id, member.config]);
  return (
    <figure className="compare-panel" data-testid="compare-panel">
      <figcaption>
        <strong>
          {index + 1}. {member.entry}
        </strong>{' '}
        <span className="muted">
          step <span data-testid="compare-step">{member.status.step}</span>
          {member.status.stage === 'teacher' ? ' (teacher)' : ''} · {member.status.stepsPerSecond.toFixed(0)}{' '}
          steps/s · NFE {nfe}
        </span>
        <button
          className="close"
          data-testid="compare-remove"
          disabled={count <= 2}
          title={
            count <= 2
              ? 'a comparison keeps at least two members'
              : 'remove this member (the others keep running)'
          }
          onClick={() => removeMember(member.id)}
        >
          ×
        </button>
      </figcaption>
      <canvas ref={ref} className="compare-canvas" data-testid="compare-canvas" />
    </figure>
  );
}
