// Registers TypeScript (tsx) and `?raw` imports for Node entry points (CLI, benchmarks).
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
register('./raw-hooks.js', import.meta.url);
