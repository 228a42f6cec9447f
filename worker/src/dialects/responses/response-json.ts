// A Response object as JSON text: what JSON.stringify(response) writes, byte for byte, except
// that the echoed `instructions` and `tools` are spliced in as JSON already made (echo.ts: once
// per isolate for a request seen before; or the stream's stand-ins for them). The fields are
// written in the Response object's own order (response.ts responseObject) by a template: the
// echo, most of the bytes, is never walked again, and the leaves that are numbers, nulls,
// booleans or words of a fixed set are written as they are, JSON.stringify kept for the rest
// (each call of it costs more than writing a number).
//
// Measured in place (the bench's interleaved requests, where a Worker's JavaScript mostly runs
// unoptimised): this template beat one JSON.stringify of the whole object with the echo spliced
// in afterwards, 31 against 38 us; the output_text written twice was most of the difference.
//
// The answer's text is escaped once: `output_text` repeats the message's text, and escaping is
// most of what serialising a text costs (in Node 20, about 2 ns a character), so a message is
// written by a template too and its one text's JSON reused for output_text.
import type { EchoJson } from './echo';
import type { OutputItem, OutputMessage, ResponseObject } from './types';

const json = JSON.stringify;

/** A number, null or boolean as JSON writes it. Validation refuses non-finite numbers; should one
 * come anyway, it is written as JSON.stringify writes it (null), never as NaN or Infinity. */
const scalar = (v: number | boolean | null): string => (typeof v === 'number' && !Number.isFinite(v) ? 'null' : `${v}`);
/** An object or null, as JSON writes it. */
const orNull = (v: object | null): string => (v === null ? 'null' : json(v));

export function responseJson(r: ResponseObject, echo: EchoJson): string {
  const output = outputJson(r.output);
  // status and truncation are words of fixed sets (types.ts): nothing to escape.
  let out =
    `{"id":${json(r.id)},"object":"response","created_at":${scalar(r.created_at)},"status":"${r.status}",` +
    `"completed_at":${scalar(r.completed_at)},"error":null,"incomplete_details":${orNull(r.incomplete_details)},` +
    `"instructions":${echo.instructions},"model":${json(r.model)},"output":${output.json},` +
    `"parallel_tool_calls":${scalar(r.parallel_tool_calls)},"previous_response_id":null,"reasoning":${orNull(r.reasoning)},` +
    `"store":${scalar(r.store)},"temperature":${scalar(r.temperature)},"top_p":${scalar(r.top_p)},` +
    `"max_output_tokens":${scalar(r.max_output_tokens)},"text":${textJson(r.text)},` +
    // A string tool_choice is none, auto or required (validate.ts).
    `"tool_choice":${typeof r.tool_choice === 'string' ? `"${r.tool_choice}"` : json(r.tool_choice)},` +
    `"tools":${echo.tools},"truncation":"${r.truncation}","metadata":${json(r.metadata)}`;
  // The optional fields, when present, in the order responseObject adds them.
  // output_text, the text of every message joined, is nearly always the one part's text itself.
  const first = output.firstText;
  if (r.output_text !== undefined) out += `,"output_text":${first !== undefined && first.text === r.output_text ? first.json : json(r.output_text)}`;
  if (r.usage !== undefined) out += `,"usage":${json(r.usage)}`;
  if (r.user !== undefined) out += `,"user":${json(r.user)}`;
  if (r.prompt_cache_key !== undefined) out += `,"prompt_cache_key":${json(r.prompt_cache_key)}`;
  return `${out}}`;
}

/** `text`: nearly always the plain text format. */
function textJson(text: ResponseObject['text']): string {
  return text.format.type === 'text' && Object.keys(text.format).length === 1 ? '{"format":{"type":"text"}}' : json(text);
}

/** The output items' JSON, and the first output_text part's text and JSON (output_text is most
 * often that very string: its JSON is then reused, responseJson). */
function outputJson(items: readonly OutputItem[]): { json: string; firstText: { text: string; json: string } | undefined } {
  let out = '';
  let firstText: { text: string; json: string } | undefined;
  for (const item of items) {
    let itemJson: string;
    if (item.type === 'message') {
      const written = messageJson(item);
      itemJson = written.json;
      firstText ??= written.firstText;
    } else itemJson = json(item);
    out += out === '' ? itemJson : `,${itemJson}`;
  }
  return { json: `[${out}]`, firstText };
}

/**
 * A message as JSON.stringify writes it: the fields in the order response.ts and stream.ts make
 * them ({id, type, role, status, content}; an output_text part {type, text, annotations,
 * logprobs}), checked against JSON.stringify by responses-echo.test.ts for every kind of answer.
 */
function messageJson(m: OutputMessage): { json: string; firstText: { text: string; json: string } | undefined } {
  let content = '';
  let firstText: { text: string; json: string } | undefined;
  for (const part of m.content) {
    let partJson: string;
    if (part.type === 'output_text') {
      const text = json(part.text);
      firstText ??= { text: part.text, json: text };
      const annotations = part.annotations.length === 0 ? '[]' : json(part.annotations);
      const logprobs = part.logprobs.length === 0 ? '[]' : json(part.logprobs);
      partJson = `{"type":"output_text","text":${text},"annotations":${annotations},"logprobs":${logprobs}}`;
    } else partJson = json(part);
    content += content === '' ? partJson : `,${partJson}`;
  }
  return { json: `{"id":${json(m.id)},"type":"message","role":"assistant","status":"${m.status}","content":[${content}]}`, firstText };
}
