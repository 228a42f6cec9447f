// Function calls in a conversation's history and the results that answer them. Clients pair a
// result with its call by an id; Gemini pairs them by name and position (and answers 400 when a
// results turn does not match the calls of the turn before). So results are named after their
// call and sent in the order of the calls, whatever order the client listed them in.
import type { ResultPart } from './conversation';
import { decodeToolCallId } from './signatures';

/** The name of a call whose function is not known: a result answering no call of the history, or
 * a call Gemini sent without a name (a name a client can send back, which '' is not). */
export const UNKNOWN_FUNCTION = 'unknown_function';

interface CallInfo {
  name: string;
  geminiId: string | undefined;
  /** Which model turn (counted from 1) and which call in it: results follow this order. */
  turn: number;
  index: number;
}

export interface RecordedCall {
  /** The id the client knows the call by (ours, with what it carries, or anyone's). */
  id: string | undefined;
  name: string;
  geminiId: string | undefined;
}

export interface ToolResult {
  /** The id of the call it answers. */
  id: string | undefined;
  /** The function's name, when the client says it (used only for a call we have not seen). */
  name?: string | undefined;
  response: Record<string, unknown>;
}

export class CallLedger {
  private readonly calls = new Map<string, CallInfo>();
  private turns = 0;

  /** Records the calls of the next model turn, in order (call it for every model turn). */
  addTurn(calls: readonly RecordedCall[]): void {
    const turn = ++this.turns;
    calls.forEach((c, index) => {
      if (c.id) this.calls.set(c.id, { name: c.name, geminiId: c.geminiId, turn, index });
    });
  }

  /** Result parts, ordered like the calls they answer; results of unknown calls last, as listed. */
  results(items: readonly ToolResult[]): ResultPart[] {
    const ordered = items.map((item, k) => {
      const call = item.id ? this.calls.get(item.id) : undefined;
      const part: ResultPart = { kind: 'result', name: call?.name ?? item.name ?? UNKNOWN_FUNCTION, response: item.response };
      const geminiId = call ? call.geminiId : decodeToolCallId(item.id).geminiId;
      if (geminiId) part.geminiId = geminiId;
      return { part, turn: call?.turn ?? Infinity, index: call?.index ?? k };
    });
    ordered.sort((a, b) => a.turn - b.turn || a.index - b.index);
    return ordered.map((r) => r.part);
  }
}

/**
 * A tool result's text as Gemini's `response` object, under `key` (`result`, or `error` for a
 * failed call): the JSON object when the text is one, the text otherwise. Never refused: plain
 * text is the common case.
 */
export function resultResponse(text: string, key: 'result' | 'error' = 'result'): Record<string, unknown> {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      const value: unknown = JSON.parse(trimmed);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { [key]: value };
    } catch {
      // not JSON after all: sent as text
    }
  }
  return { [key]: text };
}
