/** Sample sets as CSV: header `x,y`, one sample a line (float32 precision is all the GPU gives). */

export function samplesToCsv(points: ArrayLike<number>): string {
  if (points.length % 2 !== 0)
    throw new RangeError(`samplesToCsv: ${points.length} values is not a list of (x, y) pairs`);
  const lines = ['x,y'];
  for (let i = 0; i < points.length; i += 2) lines.push(`${fmt(points[i])},${fmt(points[i + 1])}`);
  return lines.join('\n') + '\n';
}

/** Shortest text that reads back to the same float32 (or NaN / Infinity as JavaScript writes them). */
function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const f = Math.fround(v);
  for (let p = 6; p < 10; p++) {
    const s = f.toPrecision(p);
    if (Math.fround(Number(s)) === f) return String(Number(s));
  }
  return String(f);
}

export class CsvFormatError extends Error {
  override name = 'CsvFormatError';
}

/** Reads a CSV written by samplesToCsv (or any `x,y` CSV) back to a Float64Array of pairs. */
export function csvToSamples(text: string): Float64Array {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines[0]?.replace(/\s/g, '') !== 'x,y')
    throw new CsvFormatError('The CSV must start with the header "x,y".');
  const out = new Float64Array(2 * (lines.length - 1));
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i].split(',');
    if (cells.length !== 2)
      throw new CsvFormatError(`Line ${i + 1} has ${cells.length} cells; write two numbers x,y.`);
    out[2 * (i - 1)] = Number(cells[0]);
    out[2 * (i - 1) + 1] = Number(cells[1]);
  }
  return out;
}
