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
});
