/** The "Export to PyTorch" button downloads the script `flowmap-lab export` writes for the same link. */
import { readFile } from 'node:fs/promises';
import { exportScript } from '../../../src/export/index.ts';
import { resolveExperiment } from '../../../src/train/config.ts';
import { paramsSchemaOf } from '../../../src/state/methods.ts';
import { decodeExperiment } from '../../../src/state/url.ts';
import { assert, type E2eSuite } from './suite.ts';

export const exportSuite: E2eSuite = async ({ base, check, openPage, waitReady }) => {
  await check('Export to PyTorch downloads the exported script of the current experiment', async () => {
    const hash = 'v=1&dataset=moons&method=meanflow&seed=4&width=48&depth=2&batch=256';
    const page = await openPage(`${base}#${hash}`);
    await waitReady(page);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid=export-pytorch]').click(),
    ]);
    const path = await download.path();
    assert(path, 'the download has no file');
    const text = await readFile(path, 'utf8');
    const want = exportScript(
      resolveExperiment(decodeExperiment(new URL(page.url()).hash, paramsSchemaOf).config),
    );
    await page.close();
    assert(
      download.suggestedFilename() === 'train_meanflow_moons.py',
      `file ${download.suggestedFilename()}`,
    );
    assert(
      text === want,
      `the downloaded script differs from the CLI's (${text.length} vs ${want.length} chars)`,
    );
    assert(text.includes('"width": 48'), 'the script does not carry the link width');
    return `${download.suggestedFilename()}, ${text.length} chars, identical to flowmap-lab export`;
  });
};
