/**
 * The class palette: one colour per class label, shared by the canvas (the data points of a labelled run,
 * written into the points shader) and the page (the class chips, the legend of those colours). Muted,
 * colour-blind-safe hues (after Paul Tol's "muted" scheme) dark enough to read on the canvas's paper
 * background (0.985, 0.983, 0.975), and apart from the model's coral and the teacher's blue: class 0 teal
 * and class 1 wine, the two of every two-class labelling, are the most distinct pair.
 */
export type Rgb = readonly [number, number, number];

export const CLASS_PALETTE: readonly Rgb[] = [
  [0.267, 0.667, 0.6], // teal #44AA99
  [0.533, 0.133, 0.333], // wine #882255
  [0.867, 0.667, 0.2], // ochre #DDAA33
  [0.2, 0.133, 0.533], // indigo #332288
  [0.067, 0.467, 0.2], // green #117733
  [0.8, 0.4, 0.467], // rose #CC6677
  [0.6, 0.6, 0.2], // olive #999933
  [0.3, 0.62, 0.82], // sky #4D9ED1
];

/** Class k's colour (the palette repeats past 8 classes). */
export const classColor = (k: number): Rgb => CLASS_PALETTE[k % CLASS_PALETTE.length];

/** `#rrggbb` of class k, for CSS. */
export function classCss(k: number): string {
  const hex = (v: number) =>
    Math.round(v * 255)
      .toString(16)
      .padStart(2, '0');
  return `#${classColor(k).map(hex).join('')}`;
}

/** The palette as a WGSL constant (prepended to the points shader, so the canvas and the chips agree). */
export const paletteWgsl = (): string =>
  `const PALETTE = array<vec3f, ${CLASS_PALETTE.length}>(${CLASS_PALETTE.map(
    ([r, g, b]) => `vec3f(${r}, ${g}, ${b})`,
  ).join(', ')});\nconst PALETTE_SIZE = ${CLASS_PALETTE.length}u;\n`;
