/**
 * Feature e2e suites: each file exports one `E2eSuite` and is listed here. The runner calls them in order
 * with the shared browser, after the core checks and before 'no console errors'. Keep one line per suite.
 */
import { cfgSuite } from './cfg.ts';
import { compareModeSuite, compareSuite } from './compare.ts';
import { distributionSuite } from './distribution.ts';
import { exportSuite } from './export.ts';
import { mfmSuite } from './mfm.ts';
import { reliabilitySuite } from './reliability.ts';
import type { E2eSuite } from './suite.ts';

export const SUITES: E2eSuite[] = [
  exportSuite,
  distributionSuite,
  compareSuite,
  compareModeSuite,
  cfgSuite,
  mfmSuite,
  reliabilitySuite,
];
