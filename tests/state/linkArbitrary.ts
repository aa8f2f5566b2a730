/**
 * fast-check generator of hostile experiment links: prototype keys, duplicated keys, unicode, percent-garbage,
 * huge/negative/NaN/Infinity numbers, 100 KB values, markup in every string field and junk `hide=`, mixed with
 * good fields. Each part says what the decoder must do with it (keep a value, or name it in a notice).
 */
import fc from 'fast-check';
import { echo } from '../../src/state/url.ts';
import {
  ACTIVATIONS,
  DATASETS,
  METHOD_IDS,
  LR_SCHEDULES,
  ODE_SOLVERS,
  TEACHER_SOURCES,
  TIME_FEATURES,
} from '../../src/train/config.ts';

export interface LinkPart {
  /** The decoded key (what the decoder sees). */
  key: string;
  /** The part as it stands in the hash. */
  raw: string;
  /** good: the config must hold `expected` at `path` (or `hide` must be `expected`); bad: a notice names `marker`. */
  kind: 'good' | 'bad' | 'neutral';
  path?: string[];
  expected?: unknown;
  marker: string;
  prototypeKey?: boolean;
}

export interface Link {
  hash: string;
  parts: LinkPart[];
}

interface NumberField {
  key: string;
  path: string[];
  min: number;
  max: number;
  int: boolean;
}

const NUMBERS: NumberField[] = [
  { key: 'seed', path: ['seed'], min: 0, max: 2 ** 31 - 1, int: true },
  { key: 'width', path: ['net', 'width'], min: 8, max: 1024, int: true },
  { key: 'depth', path: ['net', 'depth'], min: 1, max: 8, int: true },
  { key: 'steps', path: ['train', 'steps'], min: 1, max: 1e6, int: true },
  { key: 'batch', path: ['train', 'batch'], min: 16, max: 16384, int: true },
  { key: 'lr', path: ['train', 'lr'], min: 1e-9, max: 1, int: false },
  { key: 'beta1', path: ['train', 'beta1'], min: 0, max: 0.9999, int: false },
  { key: 'beta2', path: ['train', 'beta2'], min: 0, max: 0.99999, int: false },
  { key: 'wd', path: ['train', 'weightDecay'], min: 0, max: 1, int: false },
  { key: 'clip', path: ['train', 'clipNorm'], min: 0, max: Number.POSITIVE_INFINITY, int: false },
  { key: 'ema', path: ['train', 'ema'], min: 0, max: 0.99999, int: false },
  { key: 'tsteps', path: ['teacher', 'steps'], min: 1, max: 1e6, int: true },
  { key: 'tnfe', path: ['teacher', 'solverSteps'], min: 1, max: 1000, int: true },
];

const ENUMS: { key: string; path: string[]; values: readonly string[] }[] = [
  { key: 'dataset', path: ['dataset'], values: DATASETS },
  { key: 'method', path: ['method'], values: METHOD_IDS },
  { key: 'act', path: ['net', 'act'], values: ACTIVATIONS },
  { key: 'time', path: ['net', 'time'], values: TIME_FEATURES },
  { key: 'teacher', path: ['teacher', 'source'], values: TEACHER_SOURCES },
  { key: 'solver', path: ['teacher', 'solver'], values: ODE_SOLVERS },
  { key: 'sched', path: ['train', 'schedule'], values: LR_SCHEDULES },
];

/** The Meta Flow Maps view keys (src/state/mfmUrl.ts): good and bad values of each. */
const MFM_VALUES: Record<string, { good: string[]; bad: string[] }> = {
  post: {
    good: ['1.5,-0.5', '0,0', '-3,3'],
    bad: ['1', '1,2,3', '', 'NaN,1', '1e400,0', 'Infinity,0', '0x10,1', '200,0', ' , '],
  },
  pt: { good: ['0.3', '1', '0'], bad: ['-0.1', '1.5', 'NaN', '', 'x'] },
  reward: {
    good: ['1.2,-0.8:-1:0.2', 'linear:1,0:2:0.5'],
    bad: ['1,2:3', '0,0:1:1', '1,1:1:0', '1,1:1:-1', 'a,b:c:d', '1,2:3:4:5', ''],
  },
  est: { good: ['iwae', 'sne', 'dps'], bad: ['IWAE', 'foo', '', '__proto__'] },
  mc: { good: ['1', '16', '128'], bad: ['0', '129', '1.5', '-1', 'NaN', '', '1e2x'] },
};

const KNOWN = new Set([
  'v',
  'hide',
  ...NUMBERS.map((f) => f.key),
  ...ENUMS.map((f) => f.key),
  ...Object.keys(MFM_VALUES),
]);

const MARKUP = [
  '<script>window.__pwned=1</script>',
  '"><img src=x onerror="window.__pwned=1">',
  "<svg onload=alert('x')>",
  '<b data-injected="1">bold</b>',
  '</span><div data-injected="1">',
  'javascript:alert(1)',
];
const KB100 = ['A'.repeat(100_000), '<i>'.repeat(33_334), '\u00e9\u4e2d'.repeat(25_000)];
const PROTO_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  'isPrototypeOf',
  'p.__proto__',
  'p.constructor',
  'p.toString',
  'p.hasOwnProperty',
  'p.valueOf',
  '__proto__.polluted',
  'constructor.prototype.polluted',
  'net.__proto__',
];
const PERCENT_GARBAGE = ['%', '%E0%A4%A', '%zz', '%C0%80', '%ED%A0%80', '%%41', '%u0041', '%FF'];

const markup = fc.constantFrom(...MARKUP);
const huge = fc.constantFrom(...KB100);
const unicode = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });

const encoded = new Map<string, string>();

function encode(text: string): string {
  if (text.length > 1000) {
    let e = encoded.get(text);
    if (e === undefined) encoded.set(text, (e = encodeOnce(text)));
    return e;
  }
  return encodeOnce(text);
}

function encodeOnce(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '?'));
  }
}

/** Parts this long are refused whole; the notice names their key. */
const LONG = 2000;

function part(key: string, value: string, rest: Omit<LinkPart, 'key' | 'raw'>): LinkPart {
  const raw = `${encode(key)}=${encode(value)}`;
  if (raw.length <= LONG) return { key, raw, ...rest };
  return { key, raw, ...rest, kind: 'bad', marker: echo(key).slice(0, 16) };
}

const badMarker = (key: string, value: string) => `${key}=${echo(value).slice(0, 16)}`;

const goodNumber = fc.constantFrom(...NUMBERS).chain((f) =>
  (f.int
    ? fc.integer({ min: f.min, max: f.max })
    : fc.double({ min: f.min, max: Math.min(f.max, 1e12), noNaN: true })
  ).map((x) => {
    const text = String(Object.is(x, -0) ? 0 : x);
    return part(f.key, text, { kind: 'good', path: f.path, expected: Number(text), marker: '' });
  }),
);

const badNumber = fc.constantFrom(...NUMBERS).chain((f) => {
  const texts: fc.Arbitrary<string>[] = [
    fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e400', '-1', '', ' ', '0x1g', '\u0661\u0662', '1,5'),
    fc.integer({ min: 310, max: 2000 }).map((n) => '9'.repeat(n)),
    fc.integer({ min: 1, max: 400 }).map((n) => `-${'9'.repeat(n)}`),
    markup,
    huge,
    unicode.filter((s) => Number.isNaN(Number(s))),
  ];
  if (f.int) texts.push(fc.constantFrom('1.5', '2.000001', '1e-3'));
  if (Number.isFinite(f.max)) texts.push(fc.integer({ min: 17, max: 300 }).map((n) => '9'.repeat(n)));
  return fc.oneof(...texts).map((v) => part(f.key, v, { kind: 'bad', marker: badMarker(f.key, v) }));
});

const goodEnum = fc
  .constantFrom(...ENUMS)
  .chain((f) =>
    fc
      .constantFrom(...f.values)
      .map((v) => part(f.key, v, { kind: 'good', path: f.path, expected: v, marker: '' })),
  );

const badEnum = fc.constantFrom(...ENUMS).chain((f) =>
  fc
    .oneof(markup, huge, unicode, fc.constantFrom('', ' 8gaussians', 'circles', '__proto__', 'constructor'))
    .filter((v) => !f.values.includes(v))
    .map((v) => part(f.key, v, { kind: 'bad', marker: badMarker(f.key, v) })),
);

const protoKey = fc
  .tuple(fc.constantFrom(...PROTO_KEYS), fc.oneof(fc.constant('1'), markup, unicode, fc.constant('{}')))
  .map(([key, v]) => part(key, v, { kind: 'bad', marker: echo(key), prototypeKey: true }));

const unknownKey = fc
  .oneof(unicode, markup, fc.string({ minLength: 1, maxLength: 20 }), huge)
  .filter((k) => !KNOWN.has(k) && !k.startsWith('p.') && k.trim() !== '')
  .chain((key) =>
    fc
      .oneof(fc.constant('1'), markup, unicode)
      .map((v) => part(key, v, { kind: 'bad', marker: echo(key).slice(0, 16) })),
  );

/** `p.<name>` that no method has, or whose name is markup or unicode. */
const badParam = fc
  .oneof(
    fc.constantFrom('zzz', 'nope_1', 'ratio2'),
    markup,
    unicode.filter((s) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(s)),
  )
  .chain((name) =>
    fc
      .oneof(fc.constant('0.5'), markup, huge)
      .map((v) => part(`p.${name}`, v, { kind: 'bad', marker: echo(`p.${name}`).slice(0, 16) })),
  );

/** A real method parameter with any value: valid or not depends on the method the link picks. */
const anyParam = fc
  .tuple(
    fc.constantFrom('ratio', 'p', 'adaptive', 'sampler', 'teacherSteps', 'fmRatio'),
    fc.oneof(fc.constantFrom('0.25', 'true', 'NaN', '-1', '1e400'), markup, huge),
  )
  .map(([name, v]) => part(`p.${name}`, v, { kind: 'neutral', marker: '' }));

const HIDE_OK = ['method', 'dataset', 'seed', 'presets', 'train', 'net', 'teacher', 'lr', 'p.ratio', 'width'];
const goodHide = fc
  .uniqueArray(fc.constantFrom(...HIDE_OK), { minLength: 1, maxLength: 5 })
  .map((names) => part('hide', names.join(','), { kind: 'good', expected: names, marker: '' }));
const badHide = fc
  .tuple(
    fc.uniqueArray(fc.constantFrom(...HIDE_OK), { maxLength: 3 }),
    fc.oneof(markup, fc.constantFrom('\u00e9', '\u540d\u524d', '1abc', 'a'.repeat(50), '%zz', '<')),
  )
  .map(([ok, junk]) => part('hide', [...ok, junk].join(','), { kind: 'bad', marker: 'hide:' }));

const version = fc.oneof(
  fc.constant(part('v', '1', { kind: 'neutral', marker: '' })),
  fc
    .oneof(fc.constantFrom('2', '0', 'x', ''), markup)
    .map((v) => part('v', v, { kind: 'bad', marker: `v=${echo(v).slice(0, 8)}` })),
);

/** A known key followed by text that decodeURIComponent refuses. */
const garbage = fc
  .tuple(
    fc.constantFrom('seed', 'width', 'dataset', 'lr', 'hide', 'p.ratio', 'x'),
    fc.constantFrom(...PERCENT_GARBAGE),
  )
  .map(([key, g]): LinkPart => {
    const raw = `${key}=${g}`;
    return { key, raw, kind: 'bad', marker: `"${echo(raw).slice(0, 16)}` };
  });

/** Good MFM values are kept only for method mfm (elsewhere a notice names them): neutral here, tested in mfmUrl.test.ts. */
const goodMfm = fc
  .constantFrom(...Object.keys(MFM_VALUES))
  .chain((key) =>
    fc.constantFrom(...MFM_VALUES[key].good).map((v) => part(key, v, { kind: 'neutral', marker: '' })),
  );
const badMfm = fc
  .constantFrom(...Object.keys(MFM_VALUES))
  .chain((key) =>
    fc
      .oneof(fc.constantFrom(...MFM_VALUES[key].bad), markup, huge)
      .map((v) => part(key, v, { kind: 'bad', marker: badMarker(key, v) })),
  );

const linkPart = fc.oneof(
  { arbitrary: goodNumber, weight: 4 },
  { arbitrary: goodEnum, weight: 3 },
  { arbitrary: badNumber, weight: 3 },
  { arbitrary: badEnum, weight: 2 },
  { arbitrary: protoKey, weight: 2 },
  { arbitrary: unknownKey, weight: 1 },
  { arbitrary: badParam, weight: 1 },
  { arbitrary: anyParam, weight: 1 },
  { arbitrary: goodHide, weight: 1 },
  { arbitrary: badHide, weight: 1 },
  { arbitrary: version, weight: 1 },
  { arbitrary: garbage, weight: 1 },
  { arbitrary: goodMfm, weight: 1 },
  { arbitrary: badMfm, weight: 1 },
);

export const linkArbitrary: fc.Arbitrary<Link> = fc
  .array(linkPart, { minLength: 1, maxLength: 10 })
  .chain((parts) =>
    // duplicated keys: a prefix of the parts again, shuffled in
    fc.boolean().map((dup) => (dup ? [...parts, ...parts.slice(0, Math.ceil(parts.length / 3))] : parts)),
  )
  .map((parts) => ({ hash: `#${parts.map((p) => p.raw).join('&')}`, parts }));
