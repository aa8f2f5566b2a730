/**
 * The three steps in jax-js on its WebGPU backend, written as its documentation recommends: a pure
 * loss of a parameter list, `valueAndGrad`, `jvp` for forward mode (inside the loss, so `grad`
 * differentiates through it for TVM), `lax.stopGradient` for targets, and the whole step - Adam
 * included - under one `jit`. Adam is written out (the optax package is not in this project's
 * registry mirror); its bias corrections are computed on the device from a step counter so that
 * no value crosses from the CPU per step. jax-js arrays are reference counted: `.ref` keeps one.
 */
import { ADAM, fromInOut, transposed, type Batch, type LinearWeights, type StepKind } from './problem.ts';
import type { Implementation, TrainStep } from './step.ts';
import { installNodeGpu } from './gpuSetup.ts';
import { PeerUnavailableError } from './errors.ts';

type Jax = typeof import('@jax-js/jax');
type Arr = import('@jax-js/jax').Array;

let jaxModule: Promise<Jax> | undefined;

async function loadJax(): Promise<Jax> {
  await installNodeGpu();
  jaxModule ??= import('@jax-js/jax').then(async (jax) => {
    const devices = await jax.init('webgpu');
    if (!devices.includes('webgpu'))
      throw new PeerUnavailableError('jax-js', 'its WebGPU backend did not start');
    jax.defaultDevice('webgpu');
    return jax;
  });
  return jaxModule;
}

/** F on the input columns (z [B,2], t [B,1], h [B,1]); consumes its arguments. */
function network(jax: Jax, p: Arr[], z: Arr, t: Arr, h: Arr): Arr {
  const np = jax.numpy;
  let act = np.concatenate([z, t, h], 1);
  for (let l = 0; l < p.length / 2; l++) {
    act = np.matmul(act, p[2 * l]).add(p[2 * l + 1]);
    if (2 * l + 2 < p.length) act = jax.nn.silu(act);
  }
  return act;
}

const squaredNormMean = (jax: Jax, d: Arr, batch: number): Arr =>
  jax.numpy.sum(jax.numpy.square(d)).mul(1 / batch);

/** The loss of `kind` for parameters p on batch columns x, e [B,2], t, s [B,1]; consumes all. */
function lossOf(jax: Jax, kind: StepKind, B: number, p: Arr[], x: Arr, e: Arr, t: Arr, s: Arr): Arr {
  const { numpy: np, lax, tree } = jax;
  const v = e.ref.sub(x.ref);
  const z = np.subtract(1, t.ref).mul(x).add(t.ref.mul(e));
  if (kind === 'fm') {
    s.dispose();
    const u = network(jax, p, z, t.ref, np.zerosLike(t));
    return squaredNormMean(jax, u.sub(v), B);
  }
  const h = t.ref.sub(s.ref);
  // F is traced once by jvp; TVM uses the weights once more (for its teacher), so it takes a reference.
  const F = (zz: Arr, tt: Arr, hh: Arr) => network(jax, kind === 'tvm' ? tree.ref(p) : p, zz, tt, hh);
  if (kind === 'meanflow') {
    s.dispose();
    const ones = np.onesLike(t.ref);
    const [u, dudt] = jax.jvp(F, [z, t, h.ref], [v.ref, ones.ref, ones]) as [Arr, Arr];
    const target = lax.stopGradient(v.sub(h.mul(dudt)));
    return squaredNormMean(jax, u.sub(target), B);
  }
  // tvm: d/ds f = F + (s - t) dF/ds, tangent (0, 0, -1) on (z, t, h = t - s)
  v.dispose();
  const [Fv, dFds] = jax.jvp(
    F,
    [z.ref, t.ref, h],
    [np.zerosLike(z.ref), np.zerosLike(t.ref), np.onesLike(t.ref).mul(-1)],
  ) as [Arr, Arr];
  const sMinusT = s.ref.sub(t);
  const dfds = Fv.ref.add(sMinusT.ref.mul(dFds));
  const f = z.add(sMinusT.mul(Fv));
  const teacherParams = p.map((w) => lax.stopGradient(w));
  const teacher = lax.stopGradient(network(jax, teacherParams, lax.stopGradient(f), s.ref, np.zerosLike(s)));
  return squaredNormMean(jax, dfds.sub(teacher), B);
}

export const jaxPeer: Implementation = {
  name: 'jax-js',
  version: '@jax-js/jax 0.1.25 (webgpu, jit)',
  unsupported: () => undefined,
  async makeStep(kind: StepKind, batch: Batch, weights: LinearWeights[]): Promise<TrainStep> {
    const jax = await loadJax();
    const { numpy: np, tree } = jax;
    const B = batch.size;
    const cols = {
      x: np.array(batch.x).reshape([B, 2]),
      e: np.array(batch.e).reshape([B, 2]),
      t: np.array(batch.t).reshape([B, 1]),
      s: np.array(batch.s).reshape([B, 1]),
    };
    let params: Arr[] = weights.flatMap((w) => [
      np.array(transposed(w)).reshape([w.fanIn, w.fanOut]),
      np.array(w.bias),
    ]);
    let m: Arr[] = params.map((q) => np.zerosLike(q.ref));
    let v2: Arr[] = params.map((q) => np.zerosLike(q.ref));
    let count: Arr = np.zeros([1]);
    let last: Arr | undefined;

    const step = jax.jit((p: Arr[], mm: Arr[], vv: Arr[], k: Arr, x: Arr, e: Arr, t: Arr, s: Arr) => {
      const [loss, grads] = jax.valueAndGrad((q: Arr[]) => lossOf(jax, kind, B, q, x, e, t, s))(
        tree.ref(p),
      ) as [Arr, Arr[]];
      const k1 = k.add(1);
      const c1 = np.subtract(1, np.exp(k1.ref.mul(Math.log(ADAM.beta1))));
      const c2 = np.subtract(1, np.exp(k1.ref.mul(Math.log(ADAM.beta2))));
      const np2: Arr[] = [];
      const nm: Arr[] = [];
      const nv: Arr[] = [];
      grads.forEach((g, i) => {
        const mi = mm[i].mul(ADAM.beta1).add(g.ref.mul(1 - ADAM.beta1));
        const vi = vv[i].mul(ADAM.beta2).add(np.square(g).mul(1 - ADAM.beta2));
        const mhat = mi.ref.div(c1.ref);
        const vhat = vi.ref.div(c2.ref);
        np2.push(p[i].sub(mhat.mul(ADAM.lr).div(np.sqrt(vhat).add(ADAM.eps))));
        nm.push(mi);
        nv.push(vi);
      });
      c1.dispose();
      c2.dispose();
      return [loss, np2, nm, nv, k1] as [Arr, Arr[], Arr[], Arr[], Arr];
    });

    return {
      run() {
        last?.dispose();
        const out = step(params, m, v2, count, cols.x.ref, cols.e.ref, cols.t.ref, cols.s.ref);
        [last, params, m, v2, count] = out;
      },
      async loss() {
        if (!last) throw new Error('loss() before run()');
        const data = await last.ref.data();
        return data[0];
      },
      async parameters() {
        const data = await Promise.all(params.map(async (q) => Float32Array.from(await q.ref.data())));
        return weights.map((w, l) => fromInOut(w.fanIn, w.fanOut, data[2 * l], data[2 * l + 1]));
      },
      dispose() {
        last?.dispose();
        tree.dispose([params, m, v2, count, cols.x, cols.e, cols.t, cols.s]);
        step.dispose();
      },
    };
  },
};
