import { describe, it } from 'vitest';
import { cases } from './cases.ts';
import { checkJvp, checkVjp } from './fd.ts';

describe('jvp rules against central finite differences', () => {
  for (const c of cases) it(c.name, () => checkJvp(c));
});

describe('vjp rules against central finite differences', () => {
  for (const c of cases) it(c.name, () => checkVjp(c));
});
