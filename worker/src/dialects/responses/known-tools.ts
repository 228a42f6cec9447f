// The tool lists this isolate has seen, with what is derived from each: its echo in every
// Response (echo.ts) and its declarations for Gemini (request.ts). Codex sends the same list every
// turn, tens of kilobytes of schemas: it is recognised by one walk (json-memo.ts) and everything
// derived from it is made once. The declarations are kept frozen, which tells the core that their
// Gemini form may be kept with them too (gemini/request.ts).
import { JsonMemo } from '../../json-memo';
import type { ToolEcho } from './echo';
import type { DeclaredTools } from './request';

export interface KnownTools {
  echo?: ToolEcho;
  declared?: DeclaredTools;
}

/**
 * A few lists (clients, or agents of one client, with different tools), none weighing above 64K
 * (Codex 0.171's ten tools weigh about 16K): what each keeps (its tape, echo, declarations and up
 * to four Gemini forms) is a few times its weight, so the whole stays within a few megabytes
 * whatever clients send.
 */
export const knownTools = new JsonMemo<KnownTools>(() => ({}), { entries: 8, maxWeight: 64 * 1024 });
