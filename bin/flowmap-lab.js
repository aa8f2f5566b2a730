#!/usr/bin/env node
// The flowmap-lab command: the same engine as the browser, on WebGPU in Node.
import './register.js';

process.env.XDG_RUNTIME_DIR ??= '/tmp';
await import('../src/cli/main.ts');
