import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The parts of V8's `.cpuprofile` (what `node --cpu-prof` writes) that self time needs. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  startTime: number;
  endTime: number;
  /** The node each sample was taken in. */
  samples: number[];
  /** µs since the previous sample (the first: since startTime). */
  timeDeltas: number[];
}

export interface ProfileFrame {
  /** Function name (or `(anonymous)`), then where it is defined: `file:line` relative to the project, or a Node built-in. */
  frame: string;
  selfMs: number;
  /** Self time as a share of the profile's busy (non-idle) time, in percent. */
  percent: number;
}

/** A stretch of time on the machine's monotonic clock in µs (`process.hrtime`; V8's profile timestamps use the same clock on Linux). */
export interface TimeWindow {
  startUs: number;
  endUs: number;
}

/** The monotonic clock now, in µs, comparable with a `.cpuprofile`'s timestamps. */
export const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

export interface ProfileSummary {
  file: string;
  /** `measured runs`: only samples taken inside the given windows; `whole life`: every sample (start-up included). */
  scope: 'measured runs' | 'whole life';
  /** Wall time the counted samples cover. */
  totalMs: number;
  /** Wall time minus `(idle)`: what the thread spent running JavaScript, in GC, or in native code. */
  busyMs: number;
  top: ProfileFrame[];
}

const round = (value: number) => Math.round(value * 10) / 10;

function frameName(callFrame: CpuProfile['nodes'][number]['callFrame'], projectRoot: string): string {
  const name = callFrame.functionName || '(anonymous)';
  if (!callFrame.url) return name;
  const url = callFrame.url.replace(/^file:\/\//, '');
  const modules = url.lastIndexOf('/node_modules/');
  const where = modules >= 0 ? url.slice(modules + '/node_modules/'.length) : url.startsWith(projectRoot) ? url.slice(projectRoot.length).replace(/^\//, '') : url;
  return `${name} ${where}:${callFrame.lineNumber + 1}`;
}

export interface SummaryOptions {
  file: string;
  projectRoot: string;
  top?: number;
  /** Count only samples taken inside these windows (when none falls inside, every sample counts). */
  windows?: TimeWindow[];
}

/**
 * Self time per function, summed over every call path it appears on. A sample's time is the gap to the
 * next sample (as Chrome's DevTools counts it); the last sample gets the mean gap.
 */
export function summarizeProfile(profile: CpuProfile, options: SummaryOptions): ProfileSummary {
  const frameOf = new Map(profile.nodes.map((node) => [node.id, frameName(node.callFrame, options.projectRoot)]));
  const meanGap = profile.samples.length ? (profile.endTime - profile.startTime) / profile.samples.length : 0;
  let at = profile.startTime;
  const samples = profile.samples.map((nodeId, i) => {
    at += profile.timeDeltas[i] ?? 0;
    return { frame: frameOf.get(nodeId) ?? '(unknown)', at, us: profile.timeDeltas[i + 1] ?? meanGap };
  });
  const windows = options.windows ?? [];
  const inside = samples.filter(({ at: t }) => windows.some((window) => t >= window.startUs && t <= window.endUs));
  const scope = inside.length > 0 ? 'measured runs' : 'whole life';
  const selfUs = new Map<string, number>();
  for (const { frame, us } of inside.length > 0 ? inside : samples) selfUs.set(frame, (selfUs.get(frame) ?? 0) + us);
  const totalUs = [...selfUs.values()].reduce((sum, value) => sum + value, 0);
  const busyUs = totalUs - (selfUs.get('(idle)') ?? 0);
  const top = [...selfUs.entries()]
    .filter(([frame]) => frame !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, options.top ?? 15)
    .map(([frame, us]) => ({ frame, selfMs: round(us / 1000), percent: busyUs > 0 ? round((us * 100) / busyUs) : 0 }));
  return { file: options.file, scope, totalMs: round(totalUs / 1000), busyMs: round(busyUs / 1000), top };
}

/** Every `.cpuprofile` in a folder (one per thread that ran: the main thread and each worker thread), busiest first. */
export function summarizeProfiles(dir: string, options: Omit<SummaryOptions, 'file'>): ProfileSummary[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.cpuprofile'))
    .map((file) => summarizeProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile, { ...options, file }))
    .sort((a, b) => b.busyMs - a.busyMs);
}
