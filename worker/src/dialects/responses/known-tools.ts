// The tool lists this isolate has seen twice, with what is derived from each: its echo in every
// Response (echo.ts), its declarations (request.ts) and their Gemini forms (gemini/kept-tools.ts).
// Codex sends the same list every turn, tens of kilobytes of schemas: it is recognised by one
// walk (json-memo.ts) and everything derived from it is made once, its validation included. A
// request's list is looked at once, as it is validated (validate.ts), noted once it has passed,
// and its entry carried along (toolListEntry, then ResponseContext.knownTools).
import { JsonMemo, type Sighting } from '../../json-memo';
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
 * Looks at a request's `tools` before they are checked (json-memo.ts look: one walk against every
 * list kept or seen once, recording nothing, so a refused list never takes the place of a kept
 * one); undefined for no list. Bounded whatever the client sent: a walk goes no deeper than the
 * deepest tape.
 */
export function lookAtTools(tools: unknown): Sighting<KnownTools> | undefined {
  return Array.isArray(tools) && tools.length > 0 ? knownTools.look(tools) : undefined;
}

/**
 * After the request's `tools` passed their checks (with `names`): notes the sighting (the second
 * one keeps the list: json-memo.ts), keeps the names with a kept list, charged to it, and ties
 * the entry to the request.
 */
export function noteCheckedTools(req: object, sighting: Sighting<KnownTools> | undefined, names: ReadonlySet<string>): void {
  const entry = sighting && knownTools.note(sighting);
  if (!entry) return;
  if (entry.names === undefined) {
    let bytes = 64;
    for (const name of names) bytes += 32 + name.length * 2;
    entry.names = names;
    knownTools.charge(entry, bytes);
  }
  entryOfRequest.set(req, entry);
}
