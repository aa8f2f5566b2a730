/**
 * The guidance suite's two sentences on docs/results.md: the line that links docs/results-cfg.md carries the
 * "What it shows" paragraph of that page, whichever suite ran last (the cfg suite rewrites the line in place;
 * the methods suite reads the paragraph from the cfg page when it writes results.md).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const PREFIX = 'Classifier-free guidance and the teacher/data mismatch';

/** The results.md line: the link, and the cfg page's summary when there is one. */
export const cfgSummaryLine = (summary?: string): string =>
  summary
    ? `${PREFIX} ([results-cfg.md](results-cfg.md)): ${summary}`
    : `${PREFIX}: [results-cfg.md](results-cfg.md).`;

/** The "What it shows" paragraph of `dir`/results-cfg.md, if that page exists. */
export function readCfgSummary(dir: string): string | undefined {
  const file = join(dir, 'results-cfg.md');
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf('## What it shows');
  if (at < 0) return undefined;
  const para = text.slice(at).split('\n').slice(1).join('\n').trim().split('\n\n')[0];
  return para ? para.replace(/\s*\n\s*/g, ' ') : undefined;
}

/** results.md text with its cfg line replaced by one that carries `summary` (unchanged if it has none). */
export function withCfgSummary(resultsMd: string, summary: string): string {
  return resultsMd
    .split('\n')
    .map((l) => (l.startsWith(PREFIX) ? cfgSummaryLine(summary) : l))
    .join('\n');
}
