/**
 * The toy datasets, float64 reference (the WGSL twin is shaders/sampleData.wgsl).
 *
 * Every sample is a deterministic function of FOUR uniforms u0..u3 in (0, 1):
 *   bits = philox4x32_10(counter = (i, step, stream, 0), key = (seed, 0)),  u_j = bitsToUniform(bits[j]).
 * Discrete choices (which component, ring, arm, square) use the uniform's 23-bit integer
 * m = floor(u * 2^23) = bits >>> 9 and pick floor(m * K / 2^23): integer arithmetic, so the GPU (which
 * reads the bits directly) makes exactly the same choice even where f32 rounding of u would not.
 * Normals come from Box-Muller on two uniforms: (n1, n2) = sqrt(-2 ln ua) (cos 2 pi ub, sin 2 pi ub).
 *
 * Scales (all data lies roughly in [-4, 4]^2; per-coordinate std about 1.5 .. 2.3):
 *   8gaussians   8 equal components N(mu_k, s^2 I), mu_k = R (cos 2 pi k/8, sin 2 pi k/8), R = 2 sqrt 2,
 *                s = 0.5 / sqrt 2.                                         k <- u0; normals <- (u1, u2)
 *   checkerboard uniform on the 8 dark squares (side 2) of a 4 x 4 board over [-4, 4]^2; density 1/32.
 *                x = 2 (4 u0 - 2); column c = floor(4 u0) <- u0, lower/upper half <- u2, y offset <- u1
 *   moons        two interleaved half circles of radius 1 (upper: (cos a, sin a); lower: (1 - cos a,
 *                1/2 - sin a)), a = pi u1, centred at (1/2, 1/4), Gaussian noise 0.1, scaled by 2.
 *                moon <- u0; noise <- (u2, u3)
 *   spirals      two arms r = theta, theta = 3 pi sqrt(w), point (-theta cos theta, theta sin theta) / 3,
 *                second arm mirrored through the origin, Gaussian noise 0.1.  arm and w <- u0; noise <- (u2, u3)
 *   rings        four concentric circles of radii 0.9, 1.8, 2.7, 3.6 with equal mass, angle uniform,
 *                radial and tangential Gaussian noise 0.08.  ring <- u0; angle <- u1; noise <- (u2, u3)
 *   swissroll    theta = 1.5 pi (1 + 2 u1), point theta (cos theta, sin theta) / 4 - (1/2, 1/(6 pi)) (its exact
 *                mean), Gaussian noise 0.1.
 *                noise <- (u2, u3)
 *   pinwheel     5 arms; radial f0 = 1 + 0.3 n1, tangential f1 = 0.1 n2, rotated by
 *                2 pi k / 5 + 0.25 exp(f0), scaled by 2.     k <- u0; normals <- (u1, u2)
 *   gmm3         the Meta Flow Maps paper's prior: three equal components N(mu_k, 0.5 I) at (-3, -3), (0, 0),
 *                (3, 3) (per-coordinate std 2.55, so it reaches about +-6: the one wider dataset).
 *                                                                  k <- u0; normals <- (u1, u2)
 */
import { bitsToUniform, philox4x32_10 } from './philox.ts';
import { POINTS_PREFIX, isPointsName, samplePointsCpu } from './pointsData.ts';

/** Dataset name -> u32 id (the `DATASET` override constant of shaders/sampleData.wgsl). */
export const DATASET_IDS = {
  '8gaussians': 0,
  checkerboard: 1,
  moons: 2,
  spirals: 3,
  rings: 4,
  swissroll: 5,
  pinwheel: 6,
  gmm3: 7,
} as const;

export type DatasetName = keyof typeof DATASET_IDS;
export const DATASET_NAMES = Object.keys(DATASET_IDS) as DatasetName[];

/** 8 gaussians: radius of the centres and per-coordinate std of each component. */
export const EIGHT_GAUSSIANS_RADIUS = 2 * Math.SQRT2;
export const EIGHT_GAUSSIANS_STD = 0.5 / Math.SQRT2;
export const EIGHT_GAUSSIANS_COUNT = 8;
export const MOONS_NOISE = 0.1;
export const SPIRALS_NOISE = 0.1;
export const RINGS_RADII = [0.9, 1.8, 2.7, 3.6] as const;
export const RINGS_NOISE = 0.08;
export const SWISSROLL_NOISE = 0.1;
/** Exact mean of theta (cos theta, sin theta) / 4 over theta ~ U(1.5 pi, 4.5 pi), subtracted to centre the roll. */
export const SWISSROLL_MEAN = [0.5, 1 / (6 * Math.PI)] as const;
export const PINWHEEL_ARMS = 5;
/** gmm3: component k (0..2) has mean (GMM3_SPACING (k - 1), GMM3_SPACING (k - 1)) and std GMM3_STD. */
export const GMM3_COUNT = 3;
export const GMM3_SPACING = 3;
export const GMM3_STD = Math.SQRT1_2;

export class UnknownDatasetError extends Error {
  override name = 'UnknownDatasetError';
  constructor(readonly dataset: string) {
    super(`Unknown dataset "${dataset}". Use one of: ${DATASET_NAMES.join(', ')}.`);
  }
}

export function isDatasetName(name: string): name is DatasetName {
  return Object.prototype.hasOwnProperty.call(DATASET_IDS, name);
}

/** A built-in dataset or a registered point set (src/engine/cpu/pointsData.ts). */
export const isKnownDataset = (name: string): boolean => isDatasetName(name) || isPointsName(name);

/** The dataset's u32 id, or UnknownDatasetError. */
export function datasetId(name: string): number {
  if (!isDatasetName(name)) throw new UnknownDatasetError(name);
  return DATASET_IDS[name];
}

/** floor(m K / 2^24) with m = floor(u 2^24): a choice among K from one uniform, exact in integers. */
export function chooseOf(u: number, k: number): number {
  const m = Math.floor(u * 8388608);
  return Math.floor((m * k) / 8388608);
}

/** Box-Muller: two independent standard normals from two uniforms. */
function boxMuller(ua: number, ub: number): [number, number] {
  const r = Math.sqrt(-2 * Math.log(ua));
  const a = 2 * Math.PI * ub;
  return [r * Math.cos(a), r * Math.sin(a)];
}

type Sampler = (u0: number, u1: number, u2: number, u3: number) => [number, number];

const SAMPLERS: Record<DatasetName, Sampler> = {
  '8gaussians': (u0, u1, u2) => {
    const k = chooseOf(u0, EIGHT_GAUSSIANS_COUNT);
    const a = (2 * Math.PI * k) / EIGHT_GAUSSIANS_COUNT;
    const [n1, n2] = boxMuller(u1, u2);
    return [
      EIGHT_GAUSSIANS_RADIUS * Math.cos(a) + EIGHT_GAUSSIANS_STD * n1,
      EIGHT_GAUSSIANS_RADIUS * Math.sin(a) + EIGHT_GAUSSIANS_STD * n2,
    ];
  },
  checkerboard: (u0, u1, u2) => {
    const column = chooseOf(u0, 4); // floor(4 u0): the board column, 0..3
    const upper = chooseOf(u2, 2);
    const x1 = 4 * u0 - 2;
    const y1 = u1 - 2 * upper + (column % 2);
    return [2 * x1, 2 * y1];
  },
  moons: (u0, u1, u2, u3) => {
    const lower = chooseOf(u0, 2);
    const a = Math.PI * u1;
    const [n1, n2] = boxMuller(u2, u3);
    const px = lower ? 1 - Math.cos(a) : Math.cos(a);
    const py = lower ? 0.5 - Math.sin(a) : Math.sin(a);
    return [2 * (px - 0.5 + MOONS_NOISE * n1), 2 * (py - 0.25 + MOONS_NOISE * n2)];
  },
  spirals: (u0, _u1, u2, u3) => {
    const arm = chooseOf(u0, 2);
    const w = 2 * u0 - arm; // uniform in (0, 1) within the arm
    const theta = 3 * Math.PI * Math.sqrt(w);
    const sign = arm ? -1 : 1;
    const [n1, n2] = boxMuller(u2, u3);
    return [
      (sign * -theta * Math.cos(theta)) / 3 + SPIRALS_NOISE * n1,
      (sign * theta * Math.sin(theta)) / 3 + SPIRALS_NOISE * n2,
    ];
  },
  rings: (u0, u1, u2, u3) => {
    const r = RINGS_RADII[chooseOf(u0, RINGS_RADII.length)];
    const a = 2 * Math.PI * u1;
    const [n1, n2] = boxMuller(u2, u3);
    return [r * Math.cos(a) + RINGS_NOISE * n1, r * Math.sin(a) + RINGS_NOISE * n2];
  },
  swissroll: (_u0, u1, u2, u3) => {
    const theta = 1.5 * Math.PI * (1 + 2 * u1);
    const [n1, n2] = boxMuller(u2, u3);
    return [
      (theta * Math.cos(theta)) / 4 - SWISSROLL_MEAN[0] + SWISSROLL_NOISE * n1,
      (theta * Math.sin(theta)) / 4 - SWISSROLL_MEAN[1] + SWISSROLL_NOISE * n2,
    ];
  },
  pinwheel: (u0, u1, u2) => {
    const k = chooseOf(u0, PINWHEEL_ARMS);
    const [n1, n2] = boxMuller(u1, u2);
    const f0 = 1 + 0.3 * n1;
    const f1 = 0.1 * n2;
    const a = (2 * Math.PI * k) / PINWHEEL_ARMS + 0.25 * Math.exp(f0);
    const c = Math.cos(a);
    const s = Math.sin(a);
    return [2 * (c * f0 - s * f1), 2 * (s * f0 + c * f1)];
  },
  gmm3: (u0, u1, u2) => {
    const m = GMM3_SPACING * (chooseOf(u0, GMM3_COUNT) - 1);
    const [n1, n2] = boxMuller(u1, u2);
    return [m + GMM3_STD * n1, m + GMM3_STD * n2];
  },
};

/**
 * Class labels: a labelling names a partition of a dataset into classes that mean something to a person,
 * a function of the SAME four uniforms as the point (so a label always belongs to its point). Ids are the
 * `LABELS` override of shaders/sampleData.wgsl (0: points, no labels).
 *   8gaussians  modes   8  the component k                  groups  2  k mod 2 (two interleaved groups of 4)
 *   checkerboard squares 8  2 column + lower/upper half      colours 2  column mod 2 (alternate squares)
 *   moons       moons   2  upper 0, lower 1
 *   spirals     arms    2  the arm
 *   rings       rings   4  the ring, inner first
 *   pinwheel    arms    5  the arm
 */
export interface Labelling {
  id: number;
  classes: number;
  /** One line for the UI. */
  description: string;
  label(u0: number, u1: number, u2: number, u3: number): number;
}

export const LABELLINGS: Partial<Record<DatasetName, Record<string, Labelling>>> = {
  '8gaussians': {
    modes: { id: 1, classes: 8, description: 'the 8 modes', label: (u0) => chooseOf(u0, 8) },
    groups: {
      id: 2,
      classes: 2,
      description: 'two groups of 4 alternate modes (k mod 2)',
      label: (u0) => chooseOf(u0, 8) % 2,
    },
  },
  checkerboard: {
    squares: {
      id: 3,
      classes: 8,
      description: 'the 8 dark squares',
      label: (u0, _u1, u2) => 2 * chooseOf(u0, 4) + chooseOf(u2, 2),
    },
    colours: {
      id: 4,
      classes: 2,
      description: 'two colours of alternate squares (column mod 2)',
      label: (u0) => chooseOf(u0, 4) % 2,
    },
  },
  moons: { moons: { id: 5, classes: 2, description: 'the two moons', label: (u0) => chooseOf(u0, 2) } },
  spirals: { arms: { id: 6, classes: 2, description: 'the two arms', label: (u0) => chooseOf(u0, 2) } },
  rings: { rings: { id: 7, classes: 4, description: 'the four rings', label: (u0) => chooseOf(u0, 4) } },
  pinwheel: { arms: { id: 8, classes: 5, description: 'the five arms', label: (u0) => chooseOf(u0, 5) } },
};

export class UnknownLabellingError extends Error {
  override name = 'UnknownLabellingError';
  constructor(
    readonly dataset: string,
    readonly labelling: string,
  ) {
    const names = Object.keys(LABELLINGS[dataset as DatasetName] ?? {});
    super(
      names.length
        ? `Dataset "${dataset}" has no labelling "${labelling}". Use one of: ${names.join(', ')}.`
        : `Dataset "${dataset}" has no class labels. Labelled datasets: ${Object.keys(LABELLINGS).join(', ')}.`,
    );
  }
}

/** The labelling of a dataset by name (the first one listed when `name` is omitted). */
export function labellingOf(dataset: string, name?: string): Labelling {
  if (!isDatasetName(dataset)) throw new UnknownDatasetError(dataset);
  const all = LABELLINGS[dataset] ?? {};
  const key = name ?? Object.keys(all)[0];
  const l = key === undefined ? undefined : all[key];
  if (!l) throw new UnknownLabellingError(dataset, name ?? '');
  return l;
}

/** The labelling names of a dataset (empty when it has none). */
export const labellingNames = (dataset: string): string[] =>
  Object.keys(LABELLINGS[dataset as DatasetName] ?? {});

/**
 * The class labels of the `n` samples that sampleDataCpu draws with the same (seed, stream, step):
 * label i belongs to point i.
 */
export function sampleLabelsCpu(
  dataset: string,
  labelling: string,
  n: number,
  seed: number,
  stream: number,
  step: number,
): Int32Array {
  const l = labellingOf(dataset, labelling);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const b = philox4x32_10([i, step, stream, 0], [seed, 0]);
    out[i] = l.label(bitsToUniform(b[0]), bitsToUniform(b[1]), bitsToUniform(b[2]), bitsToUniform(b[3]));
  }
  return out;
}

/** Labels as a row-major one-hot [n, classes] Float64Array. */
export function oneHot(labels: ArrayLike<number>, classes: number): Float64Array {
  const out = new Float64Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) out[i * classes + labels[i]] = 1;
  return out;
}

/** One sample of `dataset` from four uniforms in (0, 1). */
export function sampleFromUniforms(
  dataset: string,
  u: readonly [number, number, number, number],
): [number, number] {
  if (!isDatasetName(dataset)) throw new UnknownDatasetError(dataset);
  return SAMPLERS[dataset](u[0], u[1], u[2], u[3]);
}

/**
 * `n` samples as a row-major [n, 2] Float64Array; sample i uses the uniforms of
 * philox4x32_10(counter = (i, step, stream, 0), key = (seed, 0)).
 */
export function sampleDataCpu(
  dataset: string,
  n: number,
  seed: number,
  stream: number,
  step: number,
): Float64Array {
  if (dataset.startsWith(POINTS_PREFIX) && isPointsName(dataset))
    return samplePointsCpu(dataset, n, seed, stream, step);
  if (!isDatasetName(dataset)) throw new UnknownDatasetError(dataset);
  const sampler = SAMPLERS[dataset];
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const b = philox4x32_10([i, step, stream, 0], [seed, 0]);
    const [x, y] = sampler(
      bitsToUniform(b[0]),
      bitsToUniform(b[1]),
      bitsToUniform(b[2]),
      bitsToUniform(b[3]),
    );
    out[2 * i] = x;
    out[2 * i + 1] = y;
  }
  return out;
}
