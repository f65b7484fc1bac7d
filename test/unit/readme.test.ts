import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configKeys } from '../../config/config.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const scripts = Object.keys(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).scripts as object);

describe('README', () => {
  it('when a config key exists, then the configuration table documents it', () => {
    const table = readme.slice(readme.indexOf('## Configuration'));
    const undocumented = configKeys.filter((key) => !table.includes(`| \`${key}\` |`));
    expect(undocumented).toEqual([]);
  });

  it('when an npm script exists, then the README names it', () => {
    const unnamed = scripts
      .filter((script) => !script.startsWith('pre'))
      .filter((script) => !readme.includes(script === 'start' || script === 'test' ? `npm ${script}` : `npm run ${script}`));
    expect(unnamed).toEqual([]);
  });
});
