// What every Response echoes of its request, because OpenAI's Response schema requires it:
// `instructions` and `tools` (function tools with every field filled in). Both are written in
// each non-streamed answer and three times in each stream (created, in_progress, completed), and
// Codex sends the same ones every turn: tens of kilobytes of tool schemas and instructions. So
// their JSON is made once per isolate and reused while the client keeps sending the same:
// - tools: kept with the tool list (known-tools.ts: recognised without serialising it, kept when
//   seen a second time);
// - instructions: recognised by the string itself (=== compares the characters, without escaping
//   them), the most recently used few kept; longer ones are made for their request only.
import { type KnownTools, knownTools } from './known-tools';
import type { ToolParam } from './types';

/** The echo as JSON text, as JSON.stringify writes the Response's `instructions` and `tools`. */
export interface EchoJson {
  instructions: string;
  tools: string;
}

/** Instructions kept: a few clients (or agents of one client) with different ones. */
const MAX_ENTRIES = 4;
/**
 * Longer instructions (as JSON) are not kept: Codex's are about 20K characters. The cache then
 * holds at most MAX_ENTRIES times (this JSON + the text), under 1 MiB even in two-byte strings.
 */
const MAX_KEPT_CHARS = 64 * 1024;

/** OpenAI echoes function tools with every field its schema requires (strict defaults to true). */
export function echoTool(tool: ToolParam): ToolParam {
  if (tool.type !== 'function' || !('name' in tool)) return tool;
  const t = tool as Extract<ToolParam, { type: 'function' }>;
  return { type: 'function', name: t.name, description: t.description ?? null, parameters: t.parameters ?? null, strict: t.strict ?? true };
}

/**
 * The JSON of the echo of a request's tools (validated: JSON data as parsed from the request):
 * made once for a list this isolate keeps (`known`, known-tools.ts, charged to it), else for
 * this request alone. Only the JSON is kept: it is all a Response's writer needs.
 */
export function toolEchoJson(tools: readonly ToolParam[] | undefined, known: KnownTools | undefined): string {
  if (!tools || tools.length === 0) return '[]';
  if (!known) return JSON.stringify(tools.map(echoTool));
  if (known.echo !== undefined) return known.echo;
  const json = JSON.stringify(tools.map(echoTool));
  knownTools.charge(known, json.length * 2);
  return (known.echo = json);
}

/** Instructions seen lately and their JSON, the most recently used first. */
const instructionEchoes: Array<{ text: string; json: string }> = [];

/** The JSON of the echoed `instructions` (`null` when there are none). */
export function instructionsJson(instructions: string | null | undefined): string {
  if (instructions === null || instructions === undefined) return 'null';
  for (let i = 0; i < instructionEchoes.length; i++) {
    const known = instructionEchoes[i]!;
    if (known.text !== instructions) continue;
    if (i > 0) instructionEchoes.unshift(...instructionEchoes.splice(i, 1));
    return known.json;
  }
  const json = JSON.stringify(instructions);
  if (json.length <= MAX_KEPT_CHARS && instructionEchoes.unshift({ text: instructions, json }) > MAX_ENTRIES) instructionEchoes.pop();
  return json;
}
