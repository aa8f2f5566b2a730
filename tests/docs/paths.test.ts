/** The docs point only at files a reader has: no absolute paths, nothing above the repository. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

describe('docs', () => {
  it('name no path outside the repository', () => {
    const files = [
      'README.md',
      ...readdirSync(join(ROOT, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`),
    ];
    const outside = /(^|[\s(`'"])(\/(work|home|tmp|root|Users|mnt)\/|\.\.\/\.\.\/|\.\.\/shared)/m;
    for (const f of files) {
      const text = readFileSync(join(ROOT, f), 'utf8');
      const hit = text.split('\n').findIndex((line) => outside.test(line));
      expect(hit, `${f}:${hit + 1}: ${text.split('\n')[hit]}`).toBe(-1);
    }
  });
});
