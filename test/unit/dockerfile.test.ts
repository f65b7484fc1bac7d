import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const dockerfile = readFileSync(new URL('Dockerfile', root), 'utf8');

/** The Dockerfile's instructions (comments and blank lines dropped), split into its stages at each FROM. */
const stages = dockerfile
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))
  .reduce<string[][]>((all, line) => {
    if (/^FROM\s/i.test(line)) all.push([line]);
    else all.at(-1)?.push(line);
    return all;
  }, []);
const finalStage = stages.at(-1) ?? [];
const buildStage = stages.slice(0, -1).join('\n');
const runs = (stage: string[]) => stage.filter((line) => /^RUN\s/.test(line)).join('\n');

interface Service {
  command?: string[];
}
const compose = parse(readFileSync(new URL('docker-compose.yml', root), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const packageJson = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
/** The npm scripts of the processes and CLIs a deployment runs; the image starts each as `node dist/….js`. */
const productionScripts = ['api', 'worker', 'migrate', 'admin', 'temporal:setup', 'replay', 'history:export', 'sandbox'];

describe('Dockerfile', () => {
  it('when built, then a build stage with the dev dependencies compiles dist/ and the final stage is node:24-slim', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(buildStage).toMatch(/RUN npm ci\b(?!.*--omit=dev)/);
    expect(buildStage).toMatch(/RUN npm run build/);
    expect(finalStage[0]).toMatch(/^FROM node:24-slim\b/);
  });

  it('when the final stage is read, then it installs production dependencies only and takes dist/ from the build stage', () => {
    const installs = runs(finalStage);

    expect(installs).toMatch(/npm ci --omit=dev/);
    expect(installs).not.toMatch(/--include=dev|npm install|npm run build|\btsc\b/);
    expect(finalStage).toContainEqual(expect.stringMatching(/^COPY --from=\S+ \/app\/dist \.\/dist$/));
    expect(finalStage).toContain('USER node');
  });

  it('when the container starts, then its command is node on a compiled file, not npm', () => {
    const cmd = JSON.parse(finalStage.find((line) => line.startsWith('CMD '))?.slice(4) ?? '[]') as string[];

    expect(cmd[0]).toBe('node');
    expect(cmd.at(-1)).toMatch(/^dist\/.+\.js$/);
    expect(dockerfile).not.toMatch(/^(CMD|ENTRYPOINT) \[?"?npm/m);
  });

  it('when npm run build has run (global setup), then every dist file compose and the image start exists', () => {
    const cmd = JSON.parse(finalStage.find((line) => line.startsWith('CMD '))?.slice(4) ?? '[]') as string[];
    const started = [
      ...Object.values(compose.services).flatMap((service) => (service.command?.[0] === 'node' ? [service.command.at(-1) ?? ''] : [])),
      cmd.at(-1) ?? '',
      'dist/admin/cli.js',
    ];

    expect(started).toEqual(expect.arrayContaining(['dist/main/api.js', 'dist/main/worker.js', 'dist/ops/migrate-cli.js', 'dist/ops/setup-cli.js', 'dist/sandbox/main.js']));
    for (const file of started) expect(existsSync(fileURLToPath(new URL(file, root))), file).toBe(true);
  });

  it('when the build stage has compiled dist/, then it bundles the workflows into dist/ with the compiled CLI, and the final stage points WORKFLOW_BUNDLE_PATH at it', () => {
    const buildRuns = stages.slice(0, -1).flat().filter((line) => /^RUN\s/.test(line));
    const compile = buildRuns.findIndex((line) => /npm run build/.test(line));
    const bundle = buildRuns.findIndex((line) => /node dist\/ops\/bundle-workflows-cli\.js --out dist\/\S+\.js/.test(line));
    const bundleFile = /--out (dist\/\S+\.js)/.exec(buildRuns[bundle] ?? '')?.[1];

    expect(compile).toBeGreaterThanOrEqual(0);
    expect(bundle).toBeGreaterThan(compile);
    expect(finalStage).toContain(`ENV WORKFLOW_BUNDLE_PATH=/app/${bundleFile}`);
    expect(existsSync(fileURLToPath(new URL('dist/ops/bundle-workflows-cli.js', root)))).toBe(true);
  });

  it('when the production dependencies are read, then tsx (and every build tool) is a dev dependency only', () => {
    for (const tool of ['tsx', 'typescript', 'vitest']) {
      expect(packageJson.dependencies[tool], tool).toBeUndefined();
      expect(packageJson.devDependencies[tool], tool).toBeDefined();
    }
  });

  it('when npm run build has run (global setup), then every production entry point of an npm script is compiled into dist/', () => {
    for (const script of productionScripts) {
      const source = packageJson.scripts[script]?.split(' ').find((word) => /\.(ts|js)$/.test(word)) ?? '';
      const compiled = source.startsWith('dist/') ? source : `dist/${source.replace(/\.ts$/, '.js')}`;

      expect(source, script).not.toBe('');
      expect(existsSync(fileURLToPath(new URL(compiled, root))), `${script}: ${compiled}`).toBe(true);
    }
  });
});
