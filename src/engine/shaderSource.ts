/**
 * WGSL sources with snippets: a line `//! include philox` in a kernel is replaced by shaders/philox.wgsl.
 * The expanded text keeps a line map, so a compiler message points at the line of the file it came from.
 */
import philox from '../../shaders/philox.wgsl?raw';
import activations from '../../shaders/activations.wgsl?raw';
import matmulContract from '../../shaders/matmulContract.wgsl?raw';
import denseJvpContract from '../../shaders/denseJvpContract.wgsl?raw';

export const SNIPPETS: Readonly<Record<string, string>> = {
  philox,
  activations,
  matmulContract,
  denseJvpContract,
};

/** A kernel as the runtime sees it: its name (the .wgsl file, without extension) and its text. */
export interface KernelSource {
  name: string;
  code: string;
}

export interface ExpandedSource {
  code: string;
  /** For each line of `code` (0-based), the file and 1-based line it came from. */
  lines: { file: string; line: number }[];
}

const INCLUDE = /^\s*\/\/!\s*include\s+(\w+)\s*$/;

export function expandIncludes(kernel: KernelSource): ExpandedSource {
  const out: string[] = [];
  const lines: ExpandedSource['lines'] = [];
  const seen = new Set<string>();
  const emit = (file: string, text: string) => {
    text.split('\n').forEach((line, i) => {
      const m = INCLUDE.exec(line);
      if (m) {
        const name = m[1];
        const snippet = SNIPPETS[name];
        if (snippet === undefined)
          throw new Error(
            `${file}.wgsl:${i + 1}: unknown snippet "${name}"; known: ${Object.keys(SNIPPETS).join(', ')}`,
          );
        if (!seen.has(name)) {
          seen.add(name);
          emit(name, snippet);
        }
        return;
      }
      out.push(line);
      lines.push({ file, line: i + 1 });
    });
  };
  emit(kernel.name, kernel.code);
  return { code: out.join('\n'), lines };
}
