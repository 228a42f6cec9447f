// The attempt loop, on one screen: choose a key and its Worker -> one attempt -> settle what
// happened -> answer, or retry as the failure table says. One time budget per request across
// all attempts; nothing is retried once a byte has reached the client. The parts:
//   choose.ts (which key, which Worker, waits), attempt.ts (one attempt, a tagged result),
//   settle.ts (what it does to keys, Workers, usage), reply.ts (the one writer), run.ts (state).
import type { ServerResponse } from 'node:http';
import { Cancel } from '../upstreams';
import { attempt, messageOf } from './attempt';
import { choose, sleep } from './choose';
import type { PoolContext } from './context';
import { replyError, replyFailure, relayStream, replyWhole } from './reply';
import { type ProxyRequest, upstreamRequest } from './request';
import { type ProxyOutcome, Run } from './run';
import { type Attempted, decideFor, settleAnswer, settleFailure, settleUsage } from './settle';

export async function proxyRequest(ctx: PoolContext, pr: ProxyRequest, res: ServerResponse): Promise<ProxyOutcome> {
  const run = new Run(ctx, pr);
  const client = watchClient(res);
  try {
    for (;;) {
      const choice = choose(ctx, pr, run, client);
      if (choice.kind === 'wait') {
        await sleep(choice.ms, client);
        continue;
      }
      if (choice.kind === 'gone') return run.end({ status: 499, code: 'client_closed' });
      if (choice.kind === 'end') {
        const f = choice.final;
        const attempts = run.trail(false, choice.why);
        return run.end('error' in f ? replyError(res, pr.dialect, f.error, attempts) : replyFailure(res, pr.dialect, f.failure, f.code, attempts));
      }
      const { entry, upstream } = choice;
      const lease = ctx.keys.lease(entry, pr.model, ctx.now());
      const started = ctx.now();
      run.started(choice);
      const result = await attempt({ transport: upstream.transport, request: upstreamRequest(pr, entry.key, upstream.secret), stream: pr.stream, expect: pr.expect, timeoutMs: run.attemptTimeout(), client });
      const a: Attempted = { entry, upstream, model: pr.model, latencyMs: ctx.now() - started };
      if (result.kind !== 'stream') lease.release();

      if (result.kind === 'cancelled') {
        if (choice.probe) upstream.breaker.abandon();
        return run.end({ status: 499, code: 'client_closed' });
      }
      if (result.kind === 'failure') {
        const d = decideFor(ctx, result.failure.fault, pr.model, run.counted + 1);
        settleFailure(ctx, a, d, messageOf(result.failure.body));
        run.failed(a, result.failure, d);
        if (d.retry === 'answer') {
          return run.end(replyFailure(res, pr.dialect, result.failure, d.code, run.trail(false)));
        }
        await sleep(Math.min(d.backoffMs, run.left()), client);
        continue;
      }
      settleAnswer(ctx, a);
      const attempts = run.trail(true);
      const contentType = result.headers.get('content-type') ?? 'application/json';
      if (result.kind === 'whole') {
        pr.onBody?.(result.status, contentType, result.body);
        const headers = pr.replyHeaders ? pr.replyHeaders(result.headers) : {};
        headers['content-type'] = contentType;
        const sent = replyWhole(res, result.status, headers, result.body, attempts);
        if (pr.tokenCount) sent.tokens = undefined;
        settleUsage(ctx, a, sent.tokens);
        return run.end(sent);
      }
      try {
        const committed = (fault: Parameters<typeof decideFor>[1], message: string) => {
          const d = decideFor(ctx, fault, pr.model, run.counted + 1);
          settleFailure(ctx, a, d, messageOf(Buffer.from(message)), true);
          return d.code;
        };
        const sent = await relayStream(res, pr.dialect, { status: result.status, contentType, attempts, first: result.first, body: result.body }, { onFault: committed, onBreak: committed });
        if (sent.complete) settleUsage(ctx, a, sent.tokens);
        return run.end(sent);
      } finally {
        lease.release();
      }
    }
  } finally {
    client.onCancel(undefined);
    res.off('close', client.cancelNow);
  }
}

/** The client's side of a request: its hanging up cancels whatever is in flight (an attempt or a wait), at once. */
class ClientWatch extends Cancel {
  constructor(private readonly res: ServerResponse) {
    super();
  }

  readonly cancelNow = (): void => {
    if (!this.res.writableFinished) this.cancel('client gone');
  };
}

function watchClient(res: ServerResponse): ClientWatch {
  const client = new ClientWatch(res);
  // The response closes when the client hangs up (the request's 'aborted' says no more once its
  // body is in, which it is here). `on`, not `once` (no wrapper made): the loop removes it.
  res.on('close', client.cancelNow);
  return client;
}
