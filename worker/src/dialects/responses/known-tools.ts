// The tool lists this isolate has seen twice, with what is derived from each: its echo in every
// Response (echo.ts), its declarations (request.ts) and their Gemini forms (gemini/kept-tools.ts).
// Codex sends the same list every turn, tens of kilobytes of schemas: it is recognised by one
// walk (json-memo.ts) and everything derived from it is made once. A request looks its list up
// once (request.ts declaredTools) and carries the entry along (ResponseContext.knownTools).
import { JsonMemo } from '../../json-memo';
import { KeptToolForms } from '../../gemini/kept-tools';
import type { DeclaredTools } from './request';

export interface KnownTools {
  /** The JSON of the echoed tools. */
  echo?: string;
  declared?: DeclaredTools;
  /** The Gemini forms of `declared.tools`, charged to this entry. */
  readonly gemini: KeptToolForms;
}

/**
 * A few lists (clients, or agents of one client, with different tools), none weighing above 64K
 * (Codex 0.171's ten tools weigh about 16K), and at most 2 MiB held in all by the memo's estimate
 * (each entry charged its tape, echo, declarations and Gemini forms), the least recently used
 * dropped first. The estimate undercounts what V8 holds (boxed numbers, spare array capacity,
 * object headers): a review measured up to 3x in Node, so the budget is half what the isolate
 * should spend on this at most.
 */
export const knownTools: JsonMemo<KnownTools> = new JsonMemo<KnownTools>(
  () => {
    const entry: KnownTools = { gemini: new KeptToolForms((bytes) => knownTools.charge(entry, bytes)) };
    return entry;
  },
  { entries: 8, maxWeight: 64 * 1024, maxBytes: 2 * 1024 * 1024 },
);
