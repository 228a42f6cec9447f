// The profile benchmark's reading of V8 CPU profiles (tools/src/bench/cpu-profile.ts): a sample's
// category, the module of a line of the pool's bundle, and which samples count.
import { describe, expect, it } from 'vitest';
import { bundleModules, type Category, categoryOf, type CpuProfile, profileShares } from '../src/bench/cpu-profile';

describe('categoryOf', () => {
  const cases: [string, string, Category][] = [
    ['writev', '', 'socket writes (system calls)'],
    ['writeLatin1String', '', 'socket writes (system calls)'],
    ['(garbage collector)', '', 'garbage collector'],
    ['(program)', '', 'V8 (compiler, runtime)'],
    ['indexOfBuffer', '', 'native (builtins, bindings)'],
    ['runMicrotasks', '', 'promises, ticks'],
    ['processTicksAndRejections', 'node:internal/process/task_queues', 'promises, ticks'],
    ['_resume', '../node_modules/.pnpm/undici@7.16.0/node_modules/undici/lib/dispatcher/client.js', 'undici (to the upstream)'],
    ['request', '/work/main/node_modules/.pnpm/undici@7.16.0/node_modules/undici/lib/api/api-request.js', 'undici (to the upstream)'],
    ['wasm-function[20]', 'wasm://wasm/00034eea', 'undici (to the upstream)'],
    ['onResFinished', '../node_modules/.pnpm/fastify@5.6.1/node_modules/fastify/lib/reply.js', 'fastify'],
    ['createError', '../node_modules/.pnpm/@fastify+error@4.2.1/node_modules/@fastify/error/index.js', 'fastify'],
    ['find', '../node_modules/.pnpm/find-my-way@9.3.0/node_modules/find-my-way/index.js', 'fastify'],
    ['child', '../node_modules/.pnpm/pino@9.9.0/node_modules/pino/lib/proto.js', 'pino'],
    ['write', '../node_modules/.pnpm/sonic-boom@4.2.0/node_modules/sonic-boom/index.js', 'pino'],
    ['observe', '../node_modules/.pnpm/prom-client@15.1.3/node_modules/prom-client/lib/histogram.js', 'prom-client'],
    ['reusify', '../node_modules/.pnpm/reusify@1.1.0/node_modules/reusify/reusify.js', 'other'],
    ['parserOnHeadersComplete', 'node:_http_common', 'node:http (parse, headers)'],
    ['end', 'node:_http_outgoing', 'node:http (parse, headers)'],
    ['Readable.read', 'node:internal/streams/readable', 'streams'],
    ['writevGeneric', 'node:internal/stream_base_commons', 'streams'],
    ['emit', 'node:events', 'events'],
    ['insert', 'node:internal/timers', 'timers'],
    ['toString', 'node:buffer', 'buffers, strings'],
    ['utf8Slice', '', 'buffers, strings'],
    ['internalConnect', 'node:net', 'node (other internals)'],
    ['writeRequestLine', 'src/log.ts', 'own code'],
    ['findMany', '../shared/src/key-scrubber.ts', 'own code'],
    ['(anonymous)', '/work/main/tools/src/bench/servers/bare-proxy.mjs', 'own code'],
  ];
  it.each(cases)('%s in %s is %s', (fn, module, category) => {
    expect(categoryOf(fn, module)).toBe(category);
  });
});

describe('bundleModules', () => {
  const bundle = [
    'import x from "y";', // 0: before any module comment
    '// ../node_modules/.pnpm/undici@7.16.0/node_modules/undici/lib/core/util.js',
    'function parseHeaders() {}', // 2
    '// a comment that is not a path',
    'var a = 1;', // 4
    '// src/log.ts',
    'function writeRequestLine() {}', // 6
    '// ../shared/src/key-scrubber.ts',
    'function findMany() {}', // 8
  ].join('\n');
  const moduleOf = bundleModules(bundle);
  it.each([
    [0, ''],
    [2, '../node_modules/.pnpm/undici@7.16.0/node_modules/undici/lib/core/util.js'],
    [4, '../node_modules/.pnpm/undici@7.16.0/node_modules/undici/lib/core/util.js'],
    [5, 'src/log.ts'],
    [6, 'src/log.ts'],
    [8, '../shared/src/key-scrubber.ts'],
  ])('line %i comes from "%s"', (line, module) => {
    expect(moduleOf(line)).toBe(module);
  });
});

describe('profileShares', () => {
  // Samples 1 ms apart from t=1,000,000 us: idle, own code, writev, own code, fastify, own code.
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
      { id: 2, callFrame: { functionName: 'writeRequestLine', url: 'file:///b.js', lineNumber: 6 } },
      { id: 3, callFrame: { functionName: 'writev', url: '', lineNumber: -1 } },
      { id: 4, callFrame: { functionName: 'onResFinished', url: 'file:///b.js', lineNumber: 2 } },
      { id: 5, callFrame: { functionName: 'proxy', url: 'file:///b.js', lineNumber: 7 } },
    ],
    samples: [1, 2, 3, 2, 4, 5],
    startTime: 1_000_000,
    timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000],
  };
  const modules: Record<number, string> = { 2: '../node_modules/fastify/lib/reply.js', 6: 'src/log.ts', 7: 'src/http/routes/proxy.ts' };
  const moduleOf = (url: string, line: number) => (url === 'file:///b.js' ? modules[line]! : url);

  it('counts the busy samples inside the windows, by category and by own function', () => {
    const all = profileShares(profile, moduleOf, [{ from: 0, to: Number.MAX_SAFE_INTEGER }]);
    expect(all.busy).toBe(5);
    expect(all.byCategory['own code']).toBe(3);
    expect(all.byCategory['socket writes (system calls)']).toBe(1);
    expect(all.byCategory.fastify).toBe(1);
    expect(Object.fromEntries(all.ownFunctions)).toEqual({ 'src/log.ts writeRequestLine': 2, 'src/http/routes/proxy.ts proxy': 1 });
  });

  it('leaves out samples outside every window (start-up, warm-up, the other proxy’s rounds)', () => {
    // Samples at 1,002,000 (own) .. 1,003,000 (writev), and 1,006,000 (proxy).
    const some = profileShares(profile, moduleOf, [
      { from: 1_001_500, to: 1_003_000 },
      { from: 1_005_500, to: 1_006_000 },
    ]);
    expect(some.busy).toBe(3);
    expect(Object.fromEntries(some.ownFunctions)).toEqual({ 'src/log.ts writeRequestLine': 1, 'src/http/routes/proxy.ts proxy': 1 });
    expect(some.byCategory['socket writes (system calls)']).toBe(1);
  });
});
