// What every Response echoes of its request, because OpenAI's Response schema requires it:
// `instructions` and `tools` (function tools with every field filled in). Both are written in
// each non-streamed answer and three times in each stream (created, in_progress, completed), and
// Codex sends the same ones every turn: tens of kilobytes of tool schemas and instructions. So
// their JSON is made once per isolate and reused while the client keeps sending the same:
// - tools: recognised by a JsonTape of the request's list (one walk, no serialising; about a
//   quarter of what JSON.stringify of the echo costs);
// - instructions: by the string itself (=== compares the characters, without escaping them).
// Each cache is small and bounded in entries and size, the most recently used first; a value
// too large to keep is made for its request only.
import { JsonTape } from '../../json-tape';
import type { ToolParam } from './types';

/** The echo as JSON text, as JSON.stringify writes the Response's `instructions` and `tools`. */
export interface EchoJson {
  instructions: string;
  tools: string;
}

/** The echoed tools (shared, frozen: never changed once made) and their JSON. */
export interface ToolEcho {
  tools: readonly ToolParam[];
  json: string;
}

/** Entries per cache: a few clients (or agents of one client) with different tool lists. */
const MAX_ENTRIES = 8;
/** Larger JSON is not kept (each cache then holds at most MAX_ENTRIES times this). */
const MAX_KEPT_CHARS = 256 * 1024;

const NO_TOOLS: ToolEcho = Object.freeze({ tools: Object.freeze([]) as readonly ToolParam[], json: '[]' });

/** OpenAI echoes function tools with every field its schema requires (strict defaults to true). */
export function echoTool(tool: ToolParam): ToolParam {
  if (tool.type !== 'function' || !('name' in tool)) return tool;
  const t = tool as Extract<ToolParam, { type: 'function' }>;
  return { type: 'function', name: t.name, description: t.description ?? null, parameters: t.parameters ?? null, strict: t.strict ?? true };
}

/** A most-recently-used list of at most MAX_ENTRIES entries. */
class RecentList<T> {
  private readonly entries: T[] = [];

  find(test: (entry: T) => boolean): T | undefined {
    const i = this.entries.findIndex(test);
    if (i < 0) return undefined;
    const entry = this.entries[i]!;
    if (i > 0) {
      this.entries.splice(i, 1);
      this.entries.unshift(entry);
    }
    return entry;
  }

  add(entry: T): void {
    if (this.entries.unshift(entry) > MAX_ENTRIES) this.entries.pop();
  }
}

const toolEchoes = new RecentList<{ tape: JsonTape; echo: ToolEcho }>();
const instructionEchoes = new RecentList<{ text: string; json: string }>();

/** The echo of a request's tools (validated: JSON data as parsed from the request). */
export function toolEcho(tools: readonly ToolParam[] | undefined): ToolEcho {
  if (!tools || tools.length === 0) return NO_TOOLS;
  const known = toolEchoes.find((e) => e.tape.matches(tools));
  if (known) return known.echo;
  const json = JSON.stringify(tools.map(echoTool));
  if (json.length > MAX_KEPT_CHARS) return { tools: tools.map(echoTool), json };
  // Parsed back from the JSON: the cached objects share nothing with this request's body.
  const echo: ToolEcho = { tools: deepFreeze(JSON.parse(json) as ToolParam[]), json };
  toolEchoes.add({ tape: new JsonTape(tools), echo });
  return echo;
}

/** The JSON of the echoed `instructions` (`null` when there are none). */
export function instructionsJson(instructions: string | null | undefined): string {
  if (instructions === null || instructions === undefined) return 'null';
  const known = instructionEchoes.find((e) => e.text === instructions);
  if (known) return known.json;
  const json = JSON.stringify(instructions);
  if (json.length <= MAX_KEPT_CHARS) instructionEchoes.add({ text: instructions, json });
  return json;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
