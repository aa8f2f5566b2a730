/** The Meta Flow Maps view in a link: post=, pt=, reward=, est=, mc= (src/state/mfmUrl.ts through url.ts). */
import { describe, expect, it } from 'vitest';
import { paramsSchemaOf } from '../../src/state/methods.ts';
import { mfmLinkOfView, viewOfMfmLink } from '../../src/state/mfmUrl.ts';
import { decodeExperiment, encodeExperiment } from '../../src/state/url.ts';
import { DEFAULT_VIEW } from '../../src/state/viewSettings.ts';

const MFM = 'v=1&method=mfm&dataset=gmm3&teacher=analytic';

describe('MFM view keys of a link', () => {
  it('decodes the point, its time, the reward, the estimator and N for method mfm', () => {
    const d = decodeExperiment(
      `${MFM}&post=1.5,-0.5&pt=0.3&reward=1.2,-0.8:-1:0.2&est=sne&mc=16`,
      paramsSchemaOf,
    );
    expect(d.ignored).toEqual([]);
    expect(d.mfm).toEqual({
      posteriorAt: [1.5, -0.5],
      posteriorT: 0.3,
      reward: { a: [1.2, -0.8], y: -1, sigma: 0.2 },
      estimator: 'sne',
      mc: 16,
    });
  });

  it('round-trips through the view and the encoder', () => {
    const view = {
      ...DEFAULT_VIEW,
      ...viewOfMfmLink({
        posteriorAt: [-2.1, 0.25],
        posteriorT: 0.45,
        reward: { a: [1, -2], y: 0.5, sigma: 0.07 },
      }),
      estimator: 'dps' as const,
      mc: 4,
    };
    const d0 = decodeExperiment(MFM, paramsSchemaOf);
    const hash = encodeExperiment({ config: d0.config, hide: [], mfm: mfmLinkOfView(view) });
    expect(hash).toContain('post=-2.1,0.25&pt=0.45&reward=1,-2:0.5:0.07&est=dps&mc=4');
    const d = decodeExperiment(hash, paramsSchemaOf);
    expect(d.ignored).toEqual([]);
    expect(viewOfMfmLink(d.mfm)).toMatchObject({
      posteriorAt: [-2.1, 0.25],
      fieldT: 0.45,
      reward: { a: [1, -2], y: 0.5, sigma: 0.07 },
      estimator: 'dps',
      mc: 4,
    });
  });

  it('writes nothing for other methods or an empty view, and names the keys a non-mfm link carries', () => {
    const fm = decodeExperiment('v=1&method=fm&post=1,2&mc=4', paramsSchemaOf);
    expect(fm.mfm).toBeUndefined();
    expect(fm.ignored.join()).toMatch(/post, mc \(posterior and reward views need method=mfm/);
    const hash = encodeExperiment({
      config: fm.config,
      hide: [],
      mfm: { posteriorAt: [1, 2], posteriorT: 0.5 },
    });
    expect(hash).not.toContain('post=');
    expect(encodeExperiment({ config: decodeExperiment(MFM).config, hide: [], mfm: {} })).not.toMatch(
      /post=|reward=|mc=/,
    );
  });

  it.each([
    ['post=1', 'post=1 (give a point X,Y'],
    ['post=1e400,0', 'post=1e400,0'],
    ['post=200,0', 'post=200,0'],
    ['pt=1.5', 'pt=1.5 (give a time'],
    ['reward=0,0:1:1', 'the direction A1,A2 must not be zero'],
    ['reward=1,1:1:0', 'SIGMA must be above 0'],
    ['reward=1,2:3', 'reward=1,2:3 (give A1,A2:Y:SIGMA'],
    ['est=IWAE', 'est=IWAE (one of iwae, sne, dps'],
    ['mc=0', 'mc=0 (a whole number of posterior samples from 1 to 128'],
    ['mc=1.5', 'mc=1.5'],
  ])('%s is named in a notice and left out', (part, notice) => {
    const d = decodeExperiment(`${MFM}&${part}`, paramsSchemaOf);
    expect(d.ignored.join('\n')).toContain(notice);
    expect(d.mfm).toBeUndefined();
  });
});
