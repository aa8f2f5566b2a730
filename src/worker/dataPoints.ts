/**
 * Data samples for the canvas drawn on the GPU by the dataset kernel (src/engine/kernels/sampleData.ts):
 * used when no training session exists yet, so the page shows the real distribution from the first frame,
 * and for every labelled run, whose points come with the one-hot class labels of the same draws (the kernel's
 * `labels` mode on the same seed, stream and step) so that the canvas can colour them by class.
 */
import type { GpuContext } from '../engine/device.ts';
import { Runtime, type View } from '../engine/runtime.ts';
import { sampleDataDispatch } from '../engine/kernels/sampleData.ts';
import { REFERENCE_STREAM } from '../data/catalogue.ts';
import type { PointSet } from '../train/session.ts';
import type { ClassLabels } from './renderer.ts';
import { labellingOf } from '../data/catalogue.ts';

/** A stream of its own, apart from the reference samples and from every training stream. */
export const DISPLAY_STREAM = REFERENCE_STREAM + 0x100;

export class DataPoints {
  private readonly runtime: Runtime;
  private out: View | null = null;
  private key = '';
  private count = 0;
  private labelled: { key: string; out: View; labels: ClassLabels } | null = null;

  constructor(gpu: GpuContext) {
    this.runtime = new Runtime(gpu);
  }

  /** `n` samples of `dataset` for `seed`, redrawn only when one of them changes. */
  points(dataset: string, seed: number, n: number): PointSet {
    const key = `${dataset}/${seed}/${n}`;
    if (key !== this.key || !this.out) {
      if (this.out) this.runtime.release(this.out.buffer);
      this.out = this.runtime.tensor(2 * n);
      this.draw(this.out, dataset, seed, n);
      this.key = key;
      this.count = n;
    }
    return { buffer: this.out.buffer, offset: this.out.offset, count: this.count };
  }

  /** The one-hot labels [n, K] of the samples `points(dataset, seed, n)` returns, under a labelling. */
  labels(dataset: string, labelling: string, seed: number, n: number): ClassLabels {
    const key = `${dataset}/${labelling}/${seed}/${n}`;
    if (this.labelled?.key !== key) {
      if (this.labelled) this.runtime.release(this.labelled.out.buffer);
      const classes = labellingOf(dataset, labelling).classes;
      const out = this.runtime.tensor(classes * n);
      this.draw(out, dataset, seed, n, labelling);
      this.labelled = { key, out, labels: { buffer: out.buffer, offset: out.offset, classes } };
    }
    return this.labelled.labels;
  }

  private draw(out: View, dataset: string, seed: number, n: number, labels?: string): void {
    const step = this.runtime.upload([0]);
    const { result, uniforms } = this.runtime.collectUniforms(() =>
      sampleDataDispatch(this.runtime, { out, n, dataset, seed, stream: DISPLAY_STREAM, step, labels }),
    );
    this.runtime.submit([result]);
    // the step counter and the dispatch's uniform are needed by this one submit only (a page soak found
    // two buffers leaked per redraw: every link or seed change while no session exists redraws)
    this.runtime.device.queue.onSubmittedWorkDone().then(
      () => {
        uniforms.forEach((u) => u.destroy());
        this.runtime.release(step.buffer);
      },
      () => {},
    );
  }
}
