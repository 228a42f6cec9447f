// Samples processes' resident memory and open file descriptors from /proc (Linux): the pool's,
// workerd's (the Workers, children of the soak) and the soak's own (the mock Gemini and the
// clients); and the pool's own view of its Workers (breakers) from /status, at a fixed interval.
import { readFile, readdir } from 'node:fs/promises';

export interface Sample {
  /** ms since the soak started */
  at: number;
  rssMiB: number;
  fds: number;
  /** Workers whose breaker is not closed. */
  openBreakers: number;
  /** Open fds of every workerd process, summed. */
  workerdFds: number;
  /** Open fds of the soak process itself (mock Gemini, clients). */
  soakFds: number;
}

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? Number.NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

export async function openFds(pid: number | 'self'): Promise<number> {
  try {
    return (await readdir(`/proc/${pid}/fd`)).length;
  } catch {
    return Number.NaN;
  }
}

/** The workerd processes this process started (wrangler runs them as children). */
export async function workerdPids(parent = process.pid): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces, so read after its closing parenthesis.
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (comm === 'workerd' && ppid === parent) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

async function openBreakers(poolUrl: string, adminKey: string): Promise<number> {
  try {
    const res = await fetch(`${poolUrl}/status`, { headers: { authorization: `Bearer ${adminKey}` }, signal: AbortSignal.timeout(5000) });
    const body = (await res.json()) as { upstreams?: Array<{ state: string }> };
    return (body.upstreams ?? []).filter((u) => u.state !== 'closed').length;
  } catch {
    return Number.NaN;
  }
}

export class Sampler {
  readonly samples: Sample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly started = Date.now();

  constructor(
    private readonly pid: number,
    private readonly poolUrl: string,
    private readonly adminKey: string,
  ) {}

  start(everyMs: number): void {
    const tick = async () => {
      await this.sample();
      this.timer = setTimeout(() => void tick(), everyMs);
    };
    void tick();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    await this.sample();
  }

  private async sample(): Promise<void> {
    try {
      const [rss, fds, breakers, workerd, soakFds] = await Promise.all([
        rssMiB(this.pid),
        readdir(`/proc/${this.pid}/fd`),
        openBreakers(this.poolUrl, this.adminKey),
        // Looked up each time: wrangler may restart its workerd processes.
        workerdPids().then((pids) => Promise.all(pids.map(openFds))),
        openFds('self'),
      ]);
      this.samples.push({ at: Date.now() - this.started, rssMiB: rss, fds: fds.length, openBreakers: breakers, workerdFds: workerd.reduce((a, b) => a + b, 0), soakFds });
    } catch {
      // the process is gone: nothing to sample
    }
  }
}
