// Bundles the CLI and the benchmarks into self-contained ES modules for a machine that has Node but
// no npm registry (a lent GPU machine): `node scripts/bundle-node.mjs OUTDIR`. OUTDIR then holds
// flowmap-lab.mjs, bench.mjs, bench-peers.mjs and the one native dependency, node_modules/webgpu
// (linux-x64 only). Run with `node OUTDIR/flowmap-lab.mjs train --preset ...` as with the bin.
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const out = resolve(process.argv[2] ?? 'dist-node');
mkdirSync(out, { recursive: true });

/** `import text from './x.wgsl?raw'` yields the file's text, as Vite and bin/raw-hooks.js do. */
const raw = {
  name: 'raw',
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (a) => ({
      path: resolve(a.resolveDir, a.path.slice(0, -'?raw'.length)),
      namespace: 'raw',
    }));
    b.onLoad({ filter: /.*/, namespace: 'raw' }, (a) => ({
      contents: readFileSync(a.path, 'utf8'),
      loader: 'text',
    }));
  },
};

/** The engine hides its Node-only module behind a variable specifier (to keep it out of the web
 * bundle); here it is meant to be in, so the specifier is made literal. */
const literalImports = {
  name: 'literal-imports',
  setup(b) {
    b.onLoad({ filter: /src[\\/]engine[\\/]device\.ts$/ }, (a) => {
      const text = readFileSync(a.path, 'utf8').replace(
        'import(/* @vite-ignore */ path)',
        "import('./nodeGpu.ts')",
      );
      return { contents: text, loader: 'ts' };
    });
  },
};

await build({
  entryPoints: {
    'flowmap-lab': 'src/cli/main.ts',
    bench: 'src/cli/bench.ts',
    'bench-peers': 'bench/peers/run.ts',
  },
  outdir: out,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['webgpu'],
  plugins: [raw, literalImports],
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url); process.env.XDG_RUNTIME_DIR ??= '/tmp';",
  },
  logLevel: 'warning',
});

const wg = join(out, 'node_modules', 'webgpu');
mkdirSync(join(wg, 'dist'), { recursive: true });
for (const f of ['index.js', 'package.json']) cpSync(join('node_modules/webgpu', f), join(wg, f));
cpSync('node_modules/webgpu/dist/linux-x64', join(wg, 'dist', 'linux-x64'), { recursive: true });
// The peer benchmark prints the versions it ran; their package.json files travel beside the bundle.
for (const pkg of ['@jax-js/jax', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu']) {
  mkdirSync(join(out, 'node_modules', pkg), { recursive: true });
  cpSync(join('node_modules', pkg, 'package.json'), join(out, 'node_modules', pkg, 'package.json'));
}
console.log(`bundled into ${out}`);
