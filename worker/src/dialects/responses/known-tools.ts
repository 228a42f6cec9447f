// The tool lists this isolate has seen twice, with what is derived from each: its echo in every
// Response (echo.ts), its declarations (request.ts) and their Gemini forms (gemini/kept-tools.ts).
// Codex sends the same list every turn, tens of kilobytes of schemas: it is recognised by one
// walk (json-memo.ts) and everything derived from it is made once, its validation included. A
// request looks its list up once, as it is validated (validate.ts), and carries the entry along
// (toolListEntry, then ResponseContext.knownTools).
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

/** The entry each validated request's list has (validate.ts sets it; request.ts reads it):
 * weak, so nothing is held past the request, and no field is added to the client's body. */
const entryOfRequest = new WeakMap<object, KnownTools>();

/** The kept entry of the request's tool list, as validation found or made it (undefined: none). */
export function toolListEntry(req: object): KnownTools | undefined {
  return entryOfRequest.get(req);
}

/**
 * Looks up a request's `tools` before they are checked: the kept entry of an identical list, or
 * undefined. Records nothing (a refused list must not take the place of a kept one); bounded
 * whatever the client sent (json-memo.ts: one walk, as deep as the deepest tape at most).
 */
export function keptToolsOf(tools: unknown): KnownTools | undefined {
  return Array.isArray(tools) && tools.length > 0 ? knownTools.kept(tools) : undefined;
}

/**
 * After the request's `tools` passed their checks (with `names`): notes the sighting (the second
 * one keeps the list: json-memo.ts), keeps the names with a kept list, charged to it, and ties
 * the entry to the request. `known` is what keptToolsOf found, if anything.
 */
export function noteCheckedTools(req: object, tools: unknown, names: ReadonlySet<string>, known: KnownTools | undefined): void {
  const entry = known ?? (Array.isArray(tools) && tools.length > 0 ? knownTools.note(tools) : undefined);
  if (!entry) return;
  if (entry.names === undefined) {
    let bytes = 64;
    for (const name of names) bytes += 32 + name.length * 2;
    entry.names = names;
    knownTools.charge(entry, bytes);
  }
  entryOfRequest.set(req, entry);
}
