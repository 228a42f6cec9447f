// The tool lists this isolate has seen twice, with what is derived from each: its echo in every
// Response (echo.ts), its declarations (request.ts) and their Gemini forms (gemini/kept-tools.ts).
// Codex sends the same list every turn, tens of kilobytes of schemas: it is recognised by one
// walk (json-memo.ts) and everything derived from it is made once, its validation included. A
// request looks its list up once, as it is validated (validate.ts), and carries the entry along
// (TOOL_LIST_ENTRY on the request, then ResponseContext.knownTools).
import { JsonMemo } from '../../json-memo';
import { KeptToolForms } from '../../gemini/kept-tools';
import type { DeclaredTools } from './request';

export interface KnownTools {
  /** The list's tool names, once it has passed validation (validate.ts): a kept list is not
   * checked again, since checking is a function of the list alone and this one passed. */
  names?: ReadonlySet<string>;
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

/**
 * Where a validated request carries its list's entry (validate.ts looks it up; request.ts reads
 * it). A symbol: never serialised, echoed or taken for a field the client sent.
 */
export const TOOL_LIST_ENTRY: unique symbol = Symbol('tool list entry');

/**
 * The one lookup of a request's `tools`, before they are checked: undefined for no list, a list
 * seen for the first time, or one too large to keep. Bounded whatever the client sent: the tape
 * stops at its weight and depth limits (json-tape.ts), and a match walks no further than a tape.
 */
export function lookUpTools(tools: unknown): KnownTools | undefined {
  return Array.isArray(tools) && tools.length > 0 ? knownTools.entry(tools) : undefined;
}

/** Keeps the names of a kept list that has just passed validation, charged to its entry. */
export function keepValidatedNames(known: KnownTools, names: ReadonlySet<string>): void {
  let bytes = 64;
  for (const name of names) bytes += 32 + name.length * 2;
  known.names = names;
  knownTools.charge(known, bytes);
}
