// Samples a process's resident memory and open file descriptors from /proc (Linux), and the
// pool's own view of its Workers (breakers) from /status, at a fixed interval.
import { readFile, readdir } from 'node:fs/promises';

export interface Sample {
  /** ms since the soak started */
  at: number;
  rssMiB: number;
  fds: number;
  /** Workers whose breaker is not closed. */
  openBreakers: number;
}

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? Number.NaN);
  return Math.round((kb / 1024) * 10) / 10;
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
      const [rss, fds, breakers] = await Promise.all([rssMiB(this.pid), readdir(`/proc/${this.pid}/fd`), openBreakers(this.poolUrl, this.adminKey)]);
      this.samples.push({ at: Date.now() - this.started, rssMiB: rss, fds: fds.length, openBreakers: breakers });
    } catch {
      // the process is gone: nothing to sample
    }
  }
}
