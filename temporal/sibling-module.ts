import { fileURLToPath } from 'node:url';

/**
 * The path of a module beside `importMetaUrl`'s, with the caller's own extension: `.ts` when run
 * from the sources (tsx, vitest), `.js` when run from the compiled `dist/`.
 */
export function siblingModulePath(relativeWithoutExtension: string, importMetaUrl: string): string {
  const extension = importMetaUrl.endsWith('.ts') ? '.ts' : '.js';
  return fileURLToPath(new URL(`${relativeWithoutExtension}${extension}`, importMetaUrl));
}
