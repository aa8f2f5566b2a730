/**
 * A drawn or loaded point set in the link: `data=1.<base64url>` and `jitter=0.1` beside the experiment's
 * keys (src/state/url.ts), with `dataset=points`.
 *
 * Payload version 1: the points quantized to 1/256 (a quarter of a screen pixel at the default zoom, far
 * below any jitter), stored as int16 x then int16 y, each plane delta-coded in the given order (strokes
 * are drawn point after point, so the deltas are small), deflated at level 9 (fflate) and written in
 * base64url (no padding), prefixed by the version. 2000 points along brush strokes take 6.7k characters of
 * link, 2000 points scattered uniformly over [-4, 4]^2 9.1k (about 3.3 and 4.6 characters a point; measured
 * with tests/state/datasetUrl.test.ts's shapes); beyond MAX_DATA_CHARS the link refuses the points and the
 * page offers them as a CSV file instead.
 */
import { deflateSync, inflateSync } from 'fflate';
import type { z } from 'zod';
import { MAX_POINTS } from '../engine/cpu/pointsData.ts';
import { pointsSchema, type ExperimentConfig } from '../train/config.ts';
import { decodeExperiment, encodeExperiment, type DecodedExperiment, type SharedExperiment } from './url.ts';

export const DATA_VERSION = 1;
/** Coordinates are multiples of 1 / QUANTUM. */
export const QUANTUM = 256;
/** |coordinate| limit of the int16 planes: 32767 / 256. */
export const MAX_COORD = 32767 / QUANTUM;
/**
 * The longest `data=` value a link carries: 32,000 characters. Every current browser opens far longer
 * URLs (Chromium 2 MB), but Chromium shows and copies only the first 32 KiB of one in some places, and
 * mail and chat apps cut long links around there; a fragment is never sent to a server, so server
 * limits (8 KB) do not apply. About 9,000 stroke points fit.
 */
export const MAX_DATA_CHARS = 32_000;

export const DATA_KEY = 'data';
export const JITTER_KEY = 'jitter';

export class PointsLinkError extends Error {
  override name = 'PointsLinkError';
}

/** Rounds points to the link's grid (what a link reproduces exactly); clamps to +-MAX_COORD. */
export function quantizePoints(xy: ArrayLike<number>): number[] {
  return Array.from(xy, (v) => Math.round(Math.max(-MAX_COORD, Math.min(MAX_COORD, v)) * QUANTUM) / QUANTUM);
}

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new PointsLinkError('the points are not base64url text');
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The `data=` value of a point set ([n, 2] row-major). */
export function encodePoints(xy: ArrayLike<number>): string {
  const n = xy.length / 2;
  const planes = new Int16Array(2 * n);
  for (let axis = 0; axis < 2; axis++) {
    let prev = 0;
    for (let i = 0; i < n; i++) {
      const v = Math.round(Math.max(-MAX_COORD, Math.min(MAX_COORD, xy[2 * i + axis])) * QUANTUM);
      planes[axis * n + i] = v - prev; // wraps in int16; decoding wraps back
      prev = v;
    }
  }
  const bytes = new Uint8Array(planes.buffer);
  return `${DATA_VERSION}.${toBase64Url(deflateSync(bytes, { level: 9 }))}`;
}

/** Points from a `data=` value; PointsLinkError says what is wrong. */
export function decodePoints(text: string): number[] {
  const dot = text.indexOf('.');
  const version = dot < 0 ? '' : text.slice(0, dot);
  if (version !== String(DATA_VERSION))
    throw new PointsLinkError(
      `points format "${version || text.slice(0, 8)}" is not version ${DATA_VERSION}, the one this page reads`,
    );
  let bytes: Uint8Array;
  try {
    bytes = inflateSync(fromBase64Url(text.slice(dot + 1)));
  } catch (e) {
    if (e instanceof PointsLinkError) throw e;
    throw new PointsLinkError('the points are cut or corrupted (they do not inflate)');
  }
  if (bytes.length === 0 || bytes.length % 4 !== 0 || bytes.length / 4 > MAX_POINTS)
    throw new PointsLinkError(`the points hold ${bytes.length} bytes, not 1 to ${MAX_POINTS} int16 pairs`);
  const planes = new Int16Array(bytes.slice().buffer);
  const n = planes.length / 2;
  const xy = new Array<number>(2 * n);
  for (let axis = 0; axis < 2; axis++) {
    let v = 0;
    for (let i = 0; i < n; i++) {
      v = ((v + planes[axis * n + i] + 32768) & 0xffff) - 32768;
      xy[2 * i + axis] = v / QUANTUM;
    }
  }
  return xy;
}

export interface EncodedLink {
  /** Hash text without '#'. */
  hash: string;
  /** Why the points were left out of the link (too long): offer them as a file. Null when all is in. */
  refused: string | null;
}

/** The experiment's hash with its points (url.ts keys, then `data=` and `jitter=` for dataset 'points'). */
export function encodeLink(shared: SharedExperiment): EncodedLink {
  const base = encodeExperiment(shared);
  const { config } = shared;
  if (config.dataset !== 'points' || !config.points) return { hash: base, refused: null };
  const data = encodePoints(config.points.xy);
  const jitter = `${JITTER_KEY}=${config.points.jitter}`;
  if (data.length > MAX_DATA_CHARS)
    return {
      hash: `${base}&${jitter}`,
      refused: `${config.points.xy.length / 2} points need ${data.length} characters of link, more than the ${MAX_DATA_CHARS} a link can safely carry: download them as a CSV file and load it on the other side`,
    };
  return { hash: `${base}&${jitter}&${DATA_KEY}=${data}`, refused: null };
}

/**
 * Reads a hash with url.ts, plus the points of dataset 'points'. Never throws: bad points or a points
 * dataset without points is named in `ignored`, and the dataset falls back to its default.
 */
export function decodeLink(
  hash: string,
  paramsSchema?: (method: string) => z.ZodObject | undefined,
): DecodedExperiment {
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  const rest: string[] = [];
  let data: string | null = null;
  let jitterText: string | null = null;
  for (const part of text.split('&')) {
    if (part.startsWith(`${DATA_KEY}=`)) data = part.slice(DATA_KEY.length + 1);
    else if (part.startsWith(`${JITTER_KEY}=`)) jitterText = part.slice(JITTER_KEY.length + 1);
    else rest.push(part);
  }
  const decoded = decodeExperiment(rest.join('&'), paramsSchema);
  const { config, ignored } = decoded;
  const fallback = (why: string) => {
    ignored.push(`dataset=points (${why}; using 8gaussians)`);
    config.dataset = '8gaussians';
  };
  let jitter = pointsSchema.shape.jitter.parse(undefined);
  if (jitterText !== null) {
    const r = pointsSchema.shape.jitter.safeParse(Number(decodeURIComponent(jitterText)));
    if (r.success) jitter = r.data;
    else ignored.push(`${JITTER_KEY}=${jitterText} (give a number from 0 to 1; using ${jitter})`);
  }
  if (config.dataset !== 'points') {
    if (data !== null) ignored.push(`${DATA_KEY} (points, but the dataset is ${config.dataset})`);
    return decoded;
  }
  if (data === null) {
    fallback('the link carries no points: draw them or load their CSV');
    return decoded;
  }
  try {
    config.points = {
      xy: decodePoints(decodeURIComponent(data)),
      jitter,
    } satisfies ExperimentConfig['points'];
  } catch (e) {
    if (!(e instanceof PointsLinkError)) throw e;
    fallback(e.message);
  }
  return decoded;
}
