/**
 * The one file of src/autodiff that lowers to the engine: each scheduled unit becomes a prepared
 * Dispatch over views into the step's arena. Matmul-family units go to the engine's tiled matmul
 * (epilogue bias + activation, WRITE_PRE, GATE_A, ROWSUM), dataset samples to its sampler; fused
 * elementwise groups, reductions and AdamW are generated WGSL (fuseKernels.ts), compiled here.
 */
import type { Dispatch, Runtime, View } from '../engine/runtime.ts';
import { ceilDiv, grid } from '../engine/kernels/common.ts';
import { matmulDispatch } from '../engine/kernels/matmul.ts';
import { denseJvpDispatch } from '../engine/kernels/denseJvp.ts';
import { sampleDataDispatch } from '../engine/kernels/sampleData.ts';
import type { Node, Tensor } from './graph.ts';
import {
  adamKernel,
  counterKernel,
  elementwiseKernel,
  FUSED_WG,
  reduceKernel,
  sumSquaresKernel,
  type ArenaConsts,
  type GeneratedKernel,
} from './fuseKernels.ts';
import { Prim } from './prims.ts';
import type { Schedule, Unit } from './schedule.ts';
import type { MemoryPlan } from './scheduleMemory.ts';

export type { Dispatch, Runtime, View };
export { encodeDispatches } from '../engine/runtime.ts';

export class ArenaLimitError extends Error {
  override name = 'ArenaLimitError';
}

export interface LoweredStep {
  arena: GPUBuffer;
  dispatches: Dispatch[];
  /** Generated WGSL by dispatch label (printed at debug level 2). */
  generated: Map<string, string>;
}

export function lowerSchedule(
  rt: Runtime,
  s: Schedule,
  mem: MemoryPlan,
  seed: number,
  debug: number,
): LoweredStep {
  const bytes = mem.size * 4;
  const limit = rt.device.limits.maxStorageBufferBindingSize;
  if (bytes > limit) {
    throw new ArenaLimitError(
      `the step needs an arena of ${bytes} bytes but the device binds at most ${limit}: use a smaller batch or width`,
    );
  }
  const arena = rt.buffer(bytes);
  const whole: View = { buffer: arena, offset: 0, size: arena.size };
  const view = (t: Tensor): View => {
    const off = mem.offsetOf(t);
    if (off === undefined) throw new Error(`internal: ${t} has no arena slot`);
    return { buffer: arena, offset: off * 4, size: Math.max(t.size, 1) * 4 };
  };
  rt.onCompile?.(s.units.length);
  const consts: ArenaConsts = { seed, counter: mem.counter };
  const generated = new Map<string, string>();
  const usesCounter = s.units.some((u) => u.kind === 'sampleData');
  let counterUsed = usesCounter;

  const compile = (k: GeneratedKernel, label: string): Dispatch => {
    const pipeline = rt.pipeline({ name: k.name, code: k.code }, 1, false);
    generated.set(label, k.code);
    if (debug >= 2) console.log(`// ${label}\n${k.code}`);
    const workgroups =
      k.workgroups !== undefined ? grid(k.workgroups) : grid(ceilDiv(k.threads ?? 1, FUSED_WG));
    return { label, pipeline, bindGroup: rt.bindGroup(label, pipeline, [whole]), workgroups };
  };
  const env = (computed: Tensor[]) => ({ offset: mem.offsetOf, computed: new Set(computed) });
  const shape = (t: Tensor) => `[${t.shape.join(',')}]`;

  const kernels: { unit: Unit; make: (increment: boolean) => Dispatch[]; canIncrement: boolean }[] =
    s.units.map((u) => {
      switch (u.kind) {
        case 'elementwise': {
          const outs = u.outputs.map((t) => ({ t, offset: mem.offsetOf(t)! }));
          const probe = elementwiseKernel(outs, env(u.outputs), consts);
          counterUsed ||= probe.usesCounter;
          const label = `fused ${u.outputs.map((t) => `${u.outputs.length > 1 || !u.node ? '' : `${t.node.prim} `}${shape(t)}`).join(' ')}`;
          return {
            unit: u,
            canIncrement: !probe.usesCounter,
            make: (inc) => [
              compile(inc ? elementwiseKernel(outs, env(u.outputs), consts, true) : probe, label),
            ],
          };
        }
        case 'reduce': {
          const t = u.outputs[0];
          const k = reduceKernel(t, mem.offsetOf(t)!, env([]), consts);
          counterUsed ||= k.usesCounter;
          const label = `${u.node!.prim} ${shape(u.node!.inputs[0])} -> ${shape(t)}`;
          return { unit: u, canIncrement: false, make: () => [compile(k, label)] };
        }
        case 'matmul':
          return { unit: u, canIncrement: false, make: () => [matmul(rt, u, view)] };
        case 'sampleData': {
          const n = u.node as Node<Prim.SampleData>;
          const t = u.outputs[0];
          return {
            unit: u,
            canIncrement: false,
            make: () => [
              sampleDataDispatch(rt, {
                out: view(t),
                n: t.shape[0],
                dataset: n.params.dataset,
                labels: n.params.labels,
                seed,
                stream: n.params.stream,
                step: { buffer: arena, offset: mem.counter * 4, size: 4 },
              }),
            ],
          };
        }
        case 'adam': {
          const n = u.node as Node<Prim.Adam>;
          const r = mem.adam.get(n)!;
          const normSq = mem.normSq.get(n);
          const layout = { ...r, step: mem.offsetOf(r.step)!, normSq };
          return {
            unit: u,
            canIncrement: true,
            make: (inc) => [
              ...(normSq !== undefined
                ? [compile(sumSquaresKernel(r.g, r.length, normSq, consts), `gradNormSq n=${r.length}`)]
                : []),
              compile(adamKernel(n.params, layout, consts, inc), `adam n=${r.length}`),
            ],
          };
        }
      }
    });
  const dispatches: Dispatch[] = [];
  kernels.forEach((k, i) => {
    const last = i === kernels.length - 1;
    dispatches.push(...k.make(last && counterUsed && k.canIncrement));
  });
  const lastCan = kernels.length > 0 && kernels[kernels.length - 1].canIncrement;
  if (counterUsed && !lastCan) dispatches.push(compile(counterKernel(consts), 'stepCounter'));
  return { arena, dispatches, generated };
}

function matmul(rt: Runtime, u: Unit, view: (t: Tensor) => View): Dispatch {
  const p = u.matmul!;
  const node = p.node;
  const aShape = node.inputs[0].shape;
  const bShape = node.inputs[1].shape;
  const m = p.transA ? aShape[1] : aShape[0];
  const k = p.transA ? aShape[0] : aShape[1];
  const n = p.transB ? bShape[0] : bShape[1];
  if (p.jvp) {
    const d = denseJvpDispatch(rt, {
      x: view(p.a),
      xDot: view(p.jvp.xd),
      w: view(p.b),
      b: view(p.bias!),
      y: view(p.out),
      yDot: view(p.jvp.yd),
      pre: p.pre && view(p.pre),
      batch: m,
      inF: k,
      outF: n,
      act: p.act,
    });
    return { ...d, label: `denseJvp ${m}x${n}x${k} +bias ${p.act}${p.pre ? ' pre' : ''}` };
  }
  const d = matmulDispatch(rt, {
    a: view(p.a),
    b: view(p.b),
    c: view(p.out),
    m,
    n,
    k,
    transA: p.transA,
    transB: p.transB,
    bias: p.bias && view(p.bias),
    act: p.act,
    pre: p.pre && view(p.pre),
    gate: p.gate && { p: view(p.gate.p), act: p.gate.act },
    rowsum: p.rowsum && view(p.rowsum),
  });
  const extras = [
    p.bias ? '+bias' : '',
    p.act !== 'identity' ? p.act : '',
    p.pre ? 'pre' : '',
    p.gate ? `gate ${p.gate.act}'` : '',
    p.rowsum ? 'rowsum' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return {
    ...d,
    label: `${node.prim === Prim.Dense ? 'dense' : 'matmul'} ${m}x${n}x${k}${p.transA ? ' A^T' : ''}${p.transB ? ' B^T' : ''}${extras ? ` ${extras}` : ''}`,
  };
}
