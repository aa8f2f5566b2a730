/** Argument values checked with a message that names the flag and what it accepts. */
import { InvalidArgumentError } from 'commander';

export function positiveInt(max = 1e9) {
  return (text: string): number => {
    const v = Number(text);
    if (!Number.isInteger(v) || v < 1 || v > max)
      throw new InvalidArgumentError(`Give a whole number from 1 to ${max}, got "${text}".`);
    return v;
  };
}

export function seedInt() {
  return (text: string): number => {
    const v = Number(text);
    if (!Number.isInteger(v) || v < 0 || v > 2 ** 31 - 1)
      throw new InvalidArgumentError(`Give a whole number from 0 to 2147483647, got "${text}".`);
    return v;
  };
}

/** A comma-separated list of NFE values such as "1,2,4,8". */
export function nfeList() {
  return (text: string): number[] => {
    const parts = text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const vs = parts.map(Number);
    if (vs.length === 0 || vs.some((v) => !Number.isInteger(v) || v < 1 || v > 1000)) {
      throw new InvalidArgumentError(
        `Give a comma-separated list of step counts from 1 to 1000, e.g. 1,2,4,8; got "${text}".`,
      );
    }
    return [...new Set(vs)].sort((a, b) => a - b);
  };
}

export function nonNegative(max: number) {
  return (text: string): number => {
    const v = Number(text);
    if (text.trim() === '' || !Number.isFinite(v) || v < 0 || v > max)
      throw new InvalidArgumentError(`Give a number from 0 to ${max}, got "${text}".`);
    return v;
  };
}

/** `--floor-draws`: 0 (the single floor draw only) or 2..max data-vs-data pairs. */
export function floorDraws(max: number) {
  return (text: string): number => {
    const v = Number(text);
    if (!Number.isInteger(v) || v < 0 || v === 1 || v > max)
      throw new InvalidArgumentError(`Give 0 (no spread) or a whole number from 2 to ${max}, got "${text}".`);
    return v;
  };
}
