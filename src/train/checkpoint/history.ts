/**
 * The loss history a checkpoint carries (metadata "history", JSON): the summaries read back while it trained,
 * thinned to at most MAX_POINTS, so that a model opened in the playground shows how it was trained rather
 * than empty loss axes. Optional: a checkpoint without it loads the same.
 */
import { z } from 'zod';
import type { StageName, StepSummary } from '../session.ts';

export const MAX_POINTS = 240;

export interface HistoryPoint {
  step: number;
  stage: StageName;
  losses: Record<string, number>;
}

const historySchema = z.object({
  v: z.literal(1),
  points: z
    .array(
      z.object({
        step: z.number().int().min(0),
        stage: z.enum(['teacher', 'pretrain', 'student']),
        losses: z.record(z.string().max(64), z.number().nullable()),
      }),
    )
    .max(4 * MAX_POINTS),
});

/** Collects summaries as a run goes; `encode()` thins them evenly (the last one always kept). */
export class LossHistory {
  private points: HistoryPoint[] = [];

  add(s: StepSummary): void {
    this.points.push({ step: s.step, stage: s.stage, losses: { ...s.losses } });
  }

  encode(max = MAX_POINTS): string {
    const all = this.points;
    const every = Math.max(1, Math.ceil(all.length / max));
    const kept = all.filter((_, i) => i % every === 0 || i === all.length - 1);
    // JSON has no NaN: a non-finite loss is written as null and read back as NaN (not drawn)
    const points = kept.map((p) => ({
      ...p,
      losses: Object.fromEntries(
        Object.entries(p.losses).map(([k, v]) => [k, Number.isFinite(v) ? v : null]),
      ),
    }));
    return JSON.stringify({ v: 1, points });
  }
}

/** The history in a checkpoint's metadata; null when there is none; throws a one-line reason when malformed. */
export function decodeHistory(text: string | undefined): HistoryPoint[] | null {
  if (text === undefined) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('its loss history (metadata "history") is not valid JSON');
  }
  const parsed = historySchema.safeParse(json);
  if (!parsed.success) throw new Error('its loss history (metadata "history") has an unknown layout');
  return parsed.data.points.map((p) => ({
    ...p,
    losses: Object.fromEntries(Object.entries(p.losses).map(([k, v]) => [k, v ?? Number.NaN])),
  }));
}
