// proxy: the attempt loop that takes a request to a Worker with a key, and relays the answer.
export { attempt, messageOf, type AttemptResult } from './attempt';
export type { PoolContext } from './context';
export { proxyRequest } from './loop';
export type { ProxyOutcome } from './run';
export { readAll } from './relay';
export type { Expect, ProxyRequest } from './request';
export { type Attempted, decideFor, settleAnswer, settleFailure } from './settle';
