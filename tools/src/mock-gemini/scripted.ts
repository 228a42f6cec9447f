// Applying the parts of a rule that are not content: the delay before the head, hanging up
// without an answer, and the error and http behaviours (which fit every method).
import { setTimeout as sleep } from 'node:timers/promises';
import { behaviourError } from './errors';
import { sendBody, sendError, writeHead, type Exchange } from './respond';
import type { Behaviour, RuleShape } from './types';

/** Waits out `delayMs` and performs `hangUp`; false when the exchange is over. */
export async function prelude(ex: Exchange, rule: RuleShape): Promise<boolean> {
  if (rule.delayMs) {
    try {
      await sleep(rule.delayMs, undefined, { signal: ex.signal });
    } catch {
      return false; // the mock is closing
    }
  }
  if (rule.hangUp) {
    ex.res.socket?.destroy();
    return false;
  }
  return !ex.res.destroyed;
}

/** Sends an error or http behaviour. False for content behaviours, which the route answers. */
export function sendNonContent(ex: Exchange, b: Behaviour, model: string): boolean {
  switch (b.kind) {
    case 'quota':
    case 'keyError':
    case 'serverError':
    case 'regionBlocked':
      sendError(ex, behaviourError(b, { key: ex.record.key, model }), b.wrapInArray === true);
      return true;
    case 'http':
      if (typeof b.body === 'string' || b.body === undefined) {
        writeHead(ex, b.status, { 'content-type': 'application/json; charset=UTF-8', ...b.headers });
        ex.res.end(b.body ?? '');
      } else sendBody(ex, b.status, b.body, b.headers);
      return true;
    default:
      return false;
  }
}
