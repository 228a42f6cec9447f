// Reading V8 CPU profiles (`node --cpu-prof`'s files) for the pool's profile benchmark:
// which module a sample's function came from (in a bundle, from esbuild's `// path` comments),
// which category of work that is, and the busy samples' shares. Pure: the I/O is pool-profile.ts's.

/** A V8 CPU profile (a .cpuprofile file of `node --cpu-prof`; the fields read here). */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  /** Microseconds on the monotonic clock (process.hrtime's): when profiling began. */
  startTime: number;
  /** Microseconds from the previous sample (the first: from startTime) to each sample. */
  timeDeltas: number[];
}

export const CATEGORIES = [
  'socket writes (system calls)',
  'node:http (parse, headers)',
  'undici (to the upstream)',
  'streams',
  'events',
  'timers',
  'buffers, strings',
  'promises, ticks',
  'node (other internals)',
  'garbage collector',
  'V8 (compiler, runtime)',
  'native (builtins, bindings)',
  'fastify',
  'pino',
  'prom-client',
  'own code',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** The native functions through which Node writes to a socket: their time is mostly the kernel's. */
const SOCKET_WRITES = new Set(['writev', 'writeBuffer', 'writeUtf8String', 'writeLatin1String', 'writeAsciiString', 'writeUcs2String']);

/**
 * What kind of work a sample was doing, from its function and the module it came from (a
 * `node:` module, a path through node_modules, or a source file of our own).
 */
export function categoryOf(functionName: string, module: string): Category {
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(program)') return 'V8 (compiler, runtime)';
  if (SOCKET_WRITES.has(functionName)) return 'socket writes (system calls)';
  if (functionName === 'runMicrotasks' || /^node:internal\/process\/(task_queues|promises)$/.test(module)) return 'promises, ticks';
  if (/(^|\/)node_modules\/.*\bundici\b|^node:internal\/deps\/undici/.test(module)) return 'undici (to the upstream)';
  if (/(^|\/)node_modules\/.*\b(fastify|find-my-way|avvio|light-my-request|fast-json-stringify|ajv|fast-uri|toad-cache|process-warning|abstract-logging)\b/.test(module)) return 'fastify';
  if (/(^|\/)node_modules\/.*\b(pino|sonic-boom|fast-redact|safe-stable-stringify|thread-stream|atomic-sleep|on-exit-leak-free|quick-format-unescaped)\b/.test(module)) return 'pino';
  if (/(^|\/)node_modules\/.*\b(prom-client|tdigest|bintrees)\b/.test(module)) return 'prom-client';
  if (/(^|\/)node_modules\//.test(module)) return 'other';
  if (/^node:(_http_|http$|internal\/http)/.test(module)) return 'node:http (parse, headers)';
  if (/^node:(internal\/)?(streams?\b|stream_base_commons|webstreams)/.test(module)) return 'streams';
  if (module === 'node:events' || module === 'node:internal/event_target') return 'events';
  if (/^node:(internal\/)?timers/.test(module)) return 'timers';
  if (/^node:(internal\/)?(buffer|encoding|util\/inspect)/.test(module) || /Slice$/.test(functionName)) return 'buffers, strings';
  if (module.startsWith('node:')) return 'node (other internals)';
  // undici parses HTTP with llhttp compiled to WebAssembly (Node's server uses the C++ one).
  if (module.startsWith('wasm://')) return 'undici (to the upstream)';
  if (module === '') return 'native (builtins, bindings)';
  return 'own code';
}

/** Maps a line of a bundle to the module it came from, by esbuild's `// path` comment above it. */
export function bundleModules(bundleText: string): (line: number) => string {
  const marks: { line: number; module: string }[] = [];
  bundleText.split('\n').forEach((text, i) => {
    const m = /^\/\/ ((?:\.\.\/)*[\w@.+-][^\s]*\.(?:[cm]?[jt]s|json))$/.exec(text);
    if (m) marks.push({ line: i, module: m[1]! });
  });
  return (line) => {
    let lo = 0;
    let hi = marks.length - 1;
    let found = '';
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (marks[mid]!.line <= line) {
        found = marks[mid]!.module;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
}

export interface ProfileShares {
  /** Busy samples (every sample but the idle ones). */
  busy: number;
  /** Busy samples per category. */
  byCategory: Record<Category, number>;
  /** Busy samples per own-code function (`module function`). */
  ownFunctions: Map<string, number>;
}

/** A stretch of the monotonic clock, in microseconds (process.hrtime.bigint() / 1000). */
export interface Window {
  from: number;
  to: number;
}

/**
 * Counts a profile's busy samples taken within `windows` by category, and the own code's by
 * function. `moduleOf` names the module of a call frame (a bundle's lines through bundleModules;
 * otherwise its url).
 */
export function profileShares(profile: CpuProfile, moduleOf: (url: string, line: number) => string, windows: readonly Window[]): ProfileShares {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  const ownFunctions = new Map<string, number>();
  let busy = 0;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    if (!windows.some((w) => at >= w.from && at <= w.to)) continue;
    const frame = nodes.get(profile.samples[i]!);
    if (!frame || frame.functionName === '(idle)') continue;
    busy++;
    const module = moduleOf(frame.url, frame.lineNumber);
    const category = categoryOf(frame.functionName, module);
    byCategory[category]++;
    if (category === 'own code') {
      const name = `${module.replace(/^(\.\.\/)+/, '')} ${frame.functionName || '(anonymous)'}`;
      ownFunctions.set(name, (ownFunctions.get(name) ?? 0) + 1);
    }
  }
  return { busy, byCategory, ownFunctions };
}
