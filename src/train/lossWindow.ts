/**
 * Loss terms between two read-backs. The step program adds each step's loss terms into accumulators on
 * the GPU; a read-back takes the sums and the host divides by the steps submitted since the previous
 * reset. A NaN in ANY step of the window poisons its sum, so divergence is never missed between reads.
 */

export interface LossReading {
  /** term name -> sum over the window (as read from the GPU) */
  sums: Record<string, number>;
  /** steps the sums cover */
  steps: number;
}

export interface WindowMean {
  losses: Record<string, number>;
  /** Names of the terms whose sum is NaN or infinite. */
  nonFinite: string[];
}

export function windowMean({ sums, steps }: LossReading): WindowMean {
  const losses: Record<string, number> = {};
  const nonFinite: string[] = [];
  if (steps <= 0) return { losses, nonFinite };
  for (const [name, s] of Object.entries(sums)) {
    if (!Number.isFinite(s)) nonFinite.push(name);
    losses[name] = s / steps;
  }
  return { losses, nonFinite };
}

/** Steps per second over a sliding window of (time, step) marks. */
export class RateMeter {
  private marks: [number, number][] = [];
  constructor(private readonly horizonMs = 3000) {}

  mark(step: number, now = performance.now()): number {
    this.marks.push([now, step]);
    while (this.marks.length > 2 && now - this.marks[1][0] > this.horizonMs) this.marks.shift();
    const [t0, s0] = this.marks[0];
    return now > t0 ? ((step - s0) * 1000) / (now - t0) : 0;
  }

  reset(): void {
    this.marks = [];
  }
}
