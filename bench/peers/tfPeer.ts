/**
 * The Flow Matching step in TensorFlow.js on its WebGPU backend, written as its documentation
 * recommends: weights as `tf.variable`, the loss as a closure, `tf.train.adam(...).minimize(f, true)`
 * (which computes gradients with `variableGrads` and applies Adam inside `tidy`).
 * TF.js has reverse mode only (`tf.grad`, `tf.variableGrads`): no JVP, so MeanFlow and TVM as
 * defined here (forward-mode JVP of the network, and for TVM its gradient) cannot be written in it.
 */
import { ADAM, fromInOut, transposed, type Batch, type LinearWeights, type StepKind } from './problem.ts';
import type { Implementation, TrainStep } from './step.ts';
import { installNodeGpu } from './gpuSetup.ts';
import { PeerUnavailableError } from './errors.ts';

type Tf = typeof import('@tensorflow/tfjs');
type Tensor = import('@tensorflow/tfjs').Tensor;

let tfModule: Promise<Tf> | undefined;

async function loadTf(): Promise<Tf> {
  await installNodeGpu();
  tfModule ??= (async () => {
    // The union package registers the gradients (tfjs-core alone leaves them opt-in, and its ESM
    // files cannot be loaded by Node); the WebGPU backend is the separate package the docs name.
    const mod = await import('@tensorflow/tfjs');
    // Node gives the CommonJS exports as the namespace; a bundler may give them as `default`.
    const tf = ('setBackend' in mod ? mod : (mod as { default: Tf }).default) as Tf;
    await import('@tensorflow/tfjs-backend-webgpu'); // registers 'webgpu' when navigator.gpu exists
    if (!(await tf.setBackend('webgpu')))
      throw new PeerUnavailableError('TF.js', 'its WebGPU backend did not start');
    await tf.ready();
    return tf;
  })();
  return tfModule;
}

export const tfPeer: Implementation = {
  name: 'TF.js',
  version: '@tensorflow/tfjs + tfjs-backend-webgpu 4.22.0',
  unsupported: (kind) => (kind === 'fm' ? undefined : 'no forward-mode JVP in TF.js'),
  async makeStep(kind: StepKind, batch: Batch, weights: LinearWeights[]): Promise<TrainStep> {
    if (kind !== 'fm') throw new PeerUnavailableError('TF.js', `step ${kind} needs a JVP, which TF.js lacks`);
    const tf = await loadTf();
    const B = batch.size;
    const x = tf.tensor2d(batch.x, [B, 2]);
    const e = tf.tensor2d(batch.e, [B, 2]);
    const t = tf.tensor2d(batch.t, [B, 1]);
    const zeros = tf.zeros([B, 1]);
    const vars = weights.flatMap((w, l) => [
      tf.variable(tf.tensor2d(transposed(w), [w.fanIn, w.fanOut]), true, `w${l}`),
      tf.variable(tf.tensor1d(w.bias), true, `b${l}`),
    ]);
    const optimizer = tf.train.adam(ADAM.lr, ADAM.beta1, ADAM.beta2, ADAM.eps);
    const flowMatchingLoss = () => {
      const z = tf.add(tf.mul(tf.sub(1, t), x), tf.mul(t, e));
      const v = tf.sub(e, x);
      let act: Tensor = tf.concat([z, t, zeros], 1);
      for (let l = 0; l < weights.length; l++) {
        act = tf.add(tf.matMul(act, vars[2 * l]), vars[2 * l + 1]);
        if (l + 1 < weights.length) act = tf.mul(act, tf.sigmoid(act)); // SiLU
      }
      return tf.div(tf.sum(tf.square(tf.sub(act, v))), B) as import('@tensorflow/tfjs').Scalar;
    };
    let last: Tensor | null = null;
    return {
      run() {
        last?.dispose();
        last = optimizer.minimize(flowMatchingLoss, true, vars);
      },
      async loss() {
        if (!last) throw new Error('loss() before run()');
        return (await last.data())[0];
      },
      async parameters() {
        const data = await Promise.all(vars.map(async (q) => Float32Array.from(await q.data())));
        return weights.map((w, l) => fromInOut(w.fanIn, w.fanOut, data[2 * l], data[2 * l + 1]));
      },
      dispose() {
        last?.dispose();
        optimizer.dispose();
        tf.dispose([x, e, t, zeros, ...vars]);
      },
    };
  },
};
