// Reads token counts out of answers without parsing them: OpenAI's `usage` object
// (prompt_tokens / completion_tokens) and Gemini's cumulative `usageMetadata`, counted by the
// rule both tiers share (geminiTokens: tool-use prompt tokens are prompt tokens, thoughts are
// completion tokens). The scan looks for a marker with
// Buffer.indexOf (native, no string copy) and reads only the digits after it, so it is cheap
// enough to run on every chunk of a stream. Pure.

import { geminiTokens } from '@opengemini/shared';

export interface Tokens {
  in: number;
  out: number;
}

const MARKERS = {
  openaiIn: Buffer.from('"prompt_tokens":'),
  openaiOut: Buffer.from('"completion_tokens":'),
  geminiIn: Buffer.from('"promptTokenCount":'),
  geminiOut: Buffer.from('"candidatesTokenCount":'),
  geminiThoughts: Buffer.from('"thoughtsTokenCount":'),
  geminiToolUse: Buffer.from('"toolUsePromptTokenCount":'),
};

/** The integer after the LAST occurrence of `marker` (cumulative counters: the last is right). */
function numberAfter(buf: Buffer, marker: Buffer): number | undefined {
  const at = buf.lastIndexOf(marker);
  if (at < 0) return undefined;
  let i = at + marker.length;
  while (buf[i] === 0x20) i++; // JSON may put a space after the colon
  let n = 0;
  let digits = 0;
  for (let c = buf[i]; c !== undefined && c >= 0x30 && c <= 0x39; c = buf[++i]) {
    n = n * 10 + (c - 0x30);
    digits++;
  }
  return digits ? n : undefined;
}

/** Token counts found in `buf`, or undefined when it carries none. */
export function scanUsage(buf: Buffer): Tokens | undefined {
  const oIn = numberAfter(buf, MARKERS.openaiIn);
  if (oIn !== undefined) return { in: oIn, out: numberAfter(buf, MARKERS.openaiOut) ?? 0 };
  const gIn = numberAfter(buf, MARKERS.geminiIn);
  if (gIn !== undefined) {
    const t = geminiTokens({
      promptTokenCount: gIn,
      toolUsePromptTokenCount: numberAfter(buf, MARKERS.geminiToolUse),
      candidatesTokenCount: numberAfter(buf, MARKERS.geminiOut),
      thoughtsTokenCount: numberAfter(buf, MARKERS.geminiThoughts),
    });
    return { in: t.prompt, out: t.completion };
  }
  return undefined;
}
