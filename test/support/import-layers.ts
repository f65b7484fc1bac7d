import { posix } from 'node:path';
import ts from 'typescript';

/**
 * The layer order of the README's architecture section: a file imports from its own folder and from
 * folders on lower rows only; folders on one row never import each other.
 */
export const layerRows: readonly (readonly string[])[] = [
  ['domain'],
  ['config', 'lifecycle'],
  ['db', 'carrier', 'outbound'],
  ['activities'],
  ['workflows'],
  ['temporal'],
  ['api', 'worker'],
  ['assembly'],
  ['main', 'local', 'admin', 'ops'],
  ['chaos', 'bench'],
  ['test'],
];

/** The lowest row that may import the sandbox (the assembly, entry points, tools and tests). */
export const lowestSandboxUser = 7;

/** Packages domain/ may import: it is workflow code, bundled into Temporal's deterministic sandbox. */
const domainPackages = /^@temporalio\/(?:common|workflow)(?:\/|$)/;

/** Where a file sits: `unit` is what "the same folder" means, `row` its place in the order (undefined: not in the table). */
export interface Placement {
  unit: string;
  row: number | undefined;
  sandbox: boolean;
}

/** One import against the order, as `from -> to: why`. */
export interface LayerViolation {
  from: string;
  to: string;
  why: string;
}

/** Every module specifier a source names: static and type imports, `export … from`, side-effect and dynamic `import('…')`. */
export function importSpecifiers(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((file) => file.fileName);
}

/** The project-relative path (posix, `.ts`) a relative specifier of `from` names; undefined for a package or built-in. */
export function resolveSpecifier(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined;
  return posix.normalize(posix.join(posix.dirname(from), specifier)).replace(/\.(?:js|mjs|cjs)$/, '.ts');
}

/** Places a project-relative file by its top folder. */
export function placeFile(file: string): Placement {
  const [top = '', ...rest] = file.split('/');
  if (rest.length === 0) return { unit: '(project root)', row: layerRows.length - 1, sandbox: false };
  if (top === 'sandbox') return { unit: 'sandbox', row: undefined, sandbox: true };
  const folderRow = layerRows.findIndex((folders) => folders.includes(top));
  if (folderRow === -1) return { unit: top, row: undefined, sandbox: false };
  return { unit: top, row: folderRow, sandbox: false };
}

/** Why importing `to` from `from` breaks the order, or undefined when it follows it. */
function relativeViolation(from: string, to: string): string | undefined {
  const source = placeFile(from);
  const target = placeFile(to);
  if (source.sandbox || target.sandbox) {
    if (source.sandbox && target.sandbox) return undefined;
    if (source.sandbox) return 'the sandbox is a separate program: it imports nothing outside sandbox/';
    if (source.row === undefined) return `${source.unit}/ is not in the layer table`;
    return source.row >= lowestSandboxUser ? undefined : `only rows ${lowestSandboxUser}-${layerRows.length - 1} may import the sandbox (${source.unit} is on row ${source.row})`;
  }
  if (source.row === undefined) return `${source.unit}/ is not in the layer table`;
  if (target.row === undefined) return `${target.unit}/ is not in the layer table`;
  if (source.unit === target.unit) return undefined;
  if (target.row > source.row) return `upward: ${source.unit} (row ${source.row}) -> ${target.unit} (row ${target.row})`;
  if (target.row === source.row) return `same row ${source.row}: ${source.unit} -> ${target.unit}`;
  return undefined;
}

/** Every import of one file that breaks the layer order; `file` is project-relative with `/` separators. */
export function layerViolations(file: string, source: string): LayerViolation[] {
  const violations: LayerViolation[] = [];
  for (const specifier of importSpecifiers(source)) {
    const to = resolveSpecifier(file, specifier);
    if (to === undefined) {
      if (file.startsWith('domain/') && !domainPackages.test(specifier)) {
        violations.push({ from: file, to: specifier, why: 'domain/ imports no package but @temporalio/common and @temporalio/workflow' });
      }
      continue;
    }
    if (to.startsWith('../')) {
      violations.push({ from: file, to, why: 'outside the project' });
      continue;
    }
    const why = relativeViolation(file, to);
    if (why) violations.push({ from: file, to, why });
  }
  return violations;
}

/** One line per violation, `from -> to: why`, for a failure message a reader can act on. */
export function formatViolation(violation: LayerViolation): string {
  return `${violation.from} -> ${violation.to}: ${violation.why}`;
}
