// The generateContent body as JSON text, when its tools are a kept list's (kept-tools.ts: a list the
// dialect keeps for every request that declares it, e.g. Codex's tools every turn): their JSON,
// written once per list, is spliced in rather than serialised again on every request; the other
// fields go through JSON.stringify one by one, in the body's own order. Byte for byte what
// JSON.stringify(body) writes (gemini-body-json.test.ts).
import type { Gemini } from '@opengemini/shared';
import { JsonText } from '../json-text';
import { keptJsonOfTools } from './kept-tools';

/** The body's JSON with its kept tools spliced in; undefined when its tools are not kept. */
export function keptBodyJson(body: Gemini.GenerateContentRequest): JsonText | undefined {
  const tools = keptJsonOfTools(body.tools);
  if (tools === undefined) return undefined;
  let out = '';
  for (const key in body) {
    const value = (body as Record<string, unknown>)[key];
    if (value === undefined) continue; // JSON.stringify leaves such a field out
    out += `${out === '' ? '{' : ','}${JSON.stringify(key)}:${key === 'tools' ? tools : JSON.stringify(value)}`;
  }
  return new JsonText(`${out}}`);
}
