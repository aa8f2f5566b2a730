/**
 * The Meta Flow Maps view in a link (method `mfm` only): the posterior point and its time, and the reward
 * panel. Short keys a teacher can edit:
 *   post=X,Y        the point x_t whose one-step posterior samples p(x_0 | x_t) are drawn
 *   pt=T            the time t of that point (the t slider), 0 = data .. 1 = noise
 *   reward=A1,A2:Y:SIGMA   r(x) = log N(Y; A . x, SIGMA^2), as `flowmap-lab guide --reward 'linear:...'`
 *   est=iwae|sne|dps, mc=N  the estimator of grad V_t and its Monte Carlo count
 * Read by url.ts's hardened decoder (known keys only); a bad value is named in a notice and left out.
 */
import { ESTIMATORS, type Estimator } from '../train/mfmPrograms.ts';
import { DEFAULT_VIEW, type LinearRewardView, type ViewSettings } from './viewSettings.ts';

export interface MfmLink {
  posteriorAt?: [number, number];
  posteriorT?: number;
  reward?: LinearRewardView;
  estimator?: Estimator;
  mc?: number;
}

export const MFM_KEYS = ['post', 'pt', 'reward', 'est', 'mc'] as const;
type MfmKey = (typeof MFM_KEYS)[number];

export const isMfmKey = (key: string): key is MfmKey => (MFM_KEYS as readonly string[]).includes(key);

/** Coordinates and reward numbers beyond this are no place on the canvas (every dataset lies within +-7). */
const COORD_MAX = 100;
export const MC_MAX = 128;

/** A finite number from link text, or NaN (empty text, '0x10', '1e400' and ' ' are not numbers here). */
function number(text: string): number {
  const s = text.trim();
  if (s === '' || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s)) return Number.NaN;
  const v = Number(s);
  return Number.isFinite(v) && Math.abs(v) <= COORD_MAX ? v : Number.NaN;
}

function numbers(text: string, sep: string, count: number): number[] | null {
  const parts = text.split(sep);
  if (parts.length !== count) return null;
  const v = parts.map(number);
  return v.every(Number.isFinite) ? v : null;
}

/** `A1,A2:Y:SIGMA` (a `linear:` prefix as in the CLI is accepted) to a reward, or the reason it is not one. */
export function parseRewardText(text: string): LinearRewardView | string {
  const body = text.trim().replace(/^linear:/, '');
  const parts = body.split(':');
  if (parts.length !== 3) return 'give A1,A2:Y:SIGMA such as 1.2,-0.8:-1:0.2';
  const a = numbers(parts[0], ',', 2);
  const y = number(parts[1]);
  const sigma = number(parts[2]);
  if (!a || !Number.isFinite(y) || !Number.isFinite(sigma))
    return `give A1,A2:Y:SIGMA with numbers of at most ${COORD_MAX} such as 1.2,-0.8:-1:0.2`;
  if (a[0] === 0 && a[1] === 0) return 'the direction A1,A2 must not be zero';
  if (!(sigma > 0)) return 'SIGMA must be above 0';
  return { a: [a[0], a[1]], y, sigma };
}

/** Reads one MFM key into `link`; a bad value leaves `link` as it was and gives the reason. */
export function readMfmKey(link: MfmLink, key: MfmKey, value: string): string | null {
  switch (key) {
    case 'post': {
      const p = numbers(value, ',', 2);
      if (p) link.posteriorAt = [p[0], p[1]];
      else return 'give a point X,Y such as post=1.5,-0.5; no posterior is drawn';
      return null;
    }
    case 'pt': {
      const t = number(value);
      if (t >= 0 && t <= 1) link.posteriorT = t;
      else return 'give a time from 0 (data) to 1 (noise)';
      return null;
    }
    case 'reward': {
      const r = parseRewardText(value);
      if (typeof r === 'string') return `${r}; no reward is drawn`;
      link.reward = r;
      return null;
    }
    case 'est':
      if ((ESTIMATORS as readonly string[]).includes(value)) link.estimator = value as Estimator;
      else return `one of ${ESTIMATORS.join(', ')}; using iwae`;
      return null;
    case 'mc': {
      const n = number(value);
      if (Number.isInteger(n) && n >= 1 && n <= MC_MAX) link.mc = n;
      else return `a whole number of posterior samples from 1 to ${MC_MAX}; using 8`;
      return null;
    }
  }
}

/** The link's MFM view when the method is `mfm`; otherwise one notice names the keys that were left out. */
export function checkMfmLink(method: string, link: MfmLink, ignored: string[]): MfmLink | undefined {
  const keys = Object.keys(link);
  if (keys.length === 0) return undefined;
  if (method === 'mfm') return link;
  const names = { posteriorAt: 'post', posteriorT: 'pt', reward: 'reward', estimator: 'est', mc: 'mc' };
  ignored.push(
    `${keys.map((k) => names[k as keyof typeof names]).join(', ')} (posterior and reward views need method=mfm, this link trains ${method})`,
  );
  return undefined;
}

const short = (v: number) => String(Number(v.toPrecision(5)));

/** The MFM keys of a link (empty when nothing is set). */
export function encodeMfmLink(link: MfmLink | undefined): string[] {
  if (!link) return [];
  const parts: string[] = [];
  if (link.posteriorAt) {
    parts.push(`post=${link.posteriorAt.map(short).join(',')}`);
    if (link.posteriorT !== undefined) parts.push(`pt=${short(link.posteriorT)}`);
  }
  if (link.reward) {
    const r = link.reward;
    parts.push(`reward=${short(r.a[0])},${short(r.a[1])}:${short(r.y)}:${short(r.sigma)}`);
    if (link.estimator) parts.push(`est=${link.estimator}`);
    if (link.mc !== undefined) parts.push(`mc=${link.mc}`);
  }
  return parts;
}

/** The link's part of what the canvas shows (the posterior's time is the t slider, `fieldT`). */
export function mfmLinkOfView(view: ViewSettings): MfmLink {
  const link: MfmLink = {};
  if (view.posteriorAt) {
    link.posteriorAt = view.posteriorAt;
    link.posteriorT = view.fieldT;
  }
  if (view.reward) {
    link.reward = view.reward;
    link.estimator = view.estimator ?? DEFAULT_VIEW.estimator;
    link.mc = view.mc ?? DEFAULT_VIEW.mc;
  }
  return link;
}

/** The view a link asks for: its point and reward, or none (a link without them clears both). */
export function viewOfMfmLink(link: MfmLink | undefined): Partial<ViewSettings> {
  return {
    posteriorAt: link?.posteriorAt ?? null,
    reward: link?.reward ?? null,
    estimator: link?.estimator ?? DEFAULT_VIEW.estimator,
    mc: link?.mc ?? DEFAULT_VIEW.mc,
    ...(link?.posteriorT !== undefined ? { fieldT: link.posteriorT, fieldS: 0 } : {}),
  };
}
