/**
 * The first minute on any adapter. A page opened WITHOUT a link starts from an experiment sized for its
 * adapter: a software adapter (SwiftShader, lavapipe) trains today's default MeanFlow (3 x 128, batch 1024)
 * at about 1.4 steps/s, so nothing visible happens for minutes; it gets a small network and batch that learn
 * within seconds instead. A link always decodes the same on every adapter (omitted fields take the schema's
 * defaults), and the chosen start is written into the URL at once, so a shared link reproduces it anywhere.
 */
import { parseExperiment, type ExperimentConfig } from '../train/config.ts';

/**
 * The starting experiment on a software adapter: the default method and dataset, a network ~16x cheaper, an
 * EMA of decay 0.99 instead of 0.999 (the pictures sample the EMA, which at 0.999 still holds a third of the
 * initial weights after 1,000 steps: the first picture comes ~3x sooner, measured on SwiftShader), and its
 * ODE line sampled with 32 Heun steps instead of 100 (the quality report samples it each time, and training
 * waits while the report runs). A learning rate of 0.006 was tried: faster at first, then noisier samples.
 */
export function softwareStart(): ExperimentConfig {
  return parseExperiment({
    net: { width: 48, depth: 2 },
    train: { batch: 256, lr: 0.003, steps: 3000, ema: 0.99 },
    teacher: { solverSteps: 32 },
  });
}

/**
 * Steps per second of the default experiment on hardware against a software adapter: 340 on an NVIDIA H200
 * against 1.4 on SwiftShader in the page (docs/benchmarks.md); "about 200 times" rounds it down.
 */
export const HARDWARE_SPEEDUP = 200;

export const SOFTWARE_HINT =
  `This page runs on a software GPU (no hardware acceleration), so it starts with a small network; a hardware GPU trains about ${HARDWARE_SPEEDUP} times faster: ` +
  'use Chrome or Edge with hardware acceleration on (chrome://settings/system) on a machine with a GPU; on Linux start Chrome with --enable-unsafe-webgpu --enable-features=Vulkan.';
