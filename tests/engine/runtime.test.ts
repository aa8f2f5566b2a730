import { describe, expect, it } from 'vitest';
import { ShaderCompileError, ViewError } from '../../src/engine/errors.ts';
import { expandIncludes } from '../../src/engine/shaderSource.ts';
import { unaryDispatch } from '../../src/engine/kernels/elementwise.ts';
import { testRuntime } from './helpers.ts';

const BROKEN = [
  '// broken: x:[n] -> x:[n]',
  '//! include activations',
  '@group(0) @binding(0) var<storage, read_write> x: array<f32>;',
  '@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) {',
  '  x[g.x] = activation(x[g.x], 1u, 0u) + undefinedThing;',
  '}',
].join('\n');

describe('runtime', () => {
  it('a WGSL error throws ShaderCompileError naming the kernel and the line:column in that file', async () => {
    const rt = await testRuntime();
    rt.pipeline({ name: 'broken', code: BROKEN }, 1, false);
    const err = await rt.ready().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ShaderCompileError);
    const e = err as ShaderCompileError;
    expect(e.kernel).toBe('broken');
    expect(e.file).toBe('broken');
    expect(e.line).toBe(5);
    expect(e.column).toBe(41);
    expect(e.message).toContain('shaders/broken.wgsl:5:41');
  });

  it('maps expanded lines back into the included snippet', () => {
    const src = expandIncludes({ name: 'k', code: 'a\n//! include philox\nb' });
    const lines = src.code.split('\n');
    expect(src.lines[0]).toEqual({ file: 'k', line: 1 });
    const fnLine = lines.findIndex((l) => l.startsWith('fn philox4x32_10'));
    expect(src.lines[fnLine].file).toBe('philox');
    expect(src.lines[lines.length - 1]).toEqual({ file: 'k', line: 3 });
  });

  it('caches pipelines by kernel and override constants', async () => {
    const rt = await testRuntime();
    const [x, y] = rt.arena([4, 4]);
    const before = rt.pipelinesCreated;
    const d1 = unaryDispatch(rt, { x, y, n: 4, fn: { op: 'exp' } });
    const d2 = unaryDispatch(rt, { x, y, n: 4, fn: { op: 'exp' } });
    const d3 = unaryDispatch(rt, { x, y, n: 4, fn: { op: 'sin' } });
    expect(d1.pipeline).toBe(d2.pipeline);
    expect(d3.pipeline).not.toBe(d1.pipeline);
    expect(rt.pipelinesCreated - before).toBeLessThanOrEqual(2);
  });

  it('rejects views that are misaligned or too small', async () => {
    const rt = await testRuntime();
    const [x, y] = rt.arena([300, 4]);
    expect(() => unaryDispatch(rt, { x, y, n: 5, fn: { op: 'exp' } })).toThrow(ViewError);
    expect(() => unaryDispatch(rt, { x: { ...x, offset: 4, size: 16 }, y, n: 4, fn: { op: 'exp' } })).toThrow(
      ViewError,
    );
  });

  it('arena views start at 256-byte offsets, upload and read round-trip', async () => {
    const rt = await testRuntime();
    const views = rt.arena([1, 65, 3]);
    expect(views.map((v) => v.offset)).toEqual([0, 256, 768]);
    rt.upload([1, 2, 3], views[2]);
    expect(Array.from(await rt.read(views[2]))).toEqual([1, 2, 3]);
  });
});
