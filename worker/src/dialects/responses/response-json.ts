// A Response object as JSON text: what JSON.stringify(response) writes, byte for byte, except
// that the echoed `instructions` and `tools` are spliced in as JSON already made (echo.ts: once
// per isolate for a request seen before; or the stream's stand-ins for them). The fields are
// written in the Response object's own order (response.ts responseObject) by a template: the
// echo, most of the bytes, is never walked again, and the leaves that are numbers, nulls,
// booleans or words of a fixed set are written as they are, JSON.stringify kept for the rest
// (each call of it costs more than writing a number).
import type { EchoJson } from './echo';
import type { ResponseObject } from './types';

const json = JSON.stringify;

/** A number, null or boolean as JSON writes it (a finite number: validation refused the rest). */
const scalar = (v: number | boolean | null): string => `${v}`;
/** An object or null, as JSON writes it. */
const orNull = (v: object | null): string => (v === null ? 'null' : json(v));

export function responseJson(r: ResponseObject, echo: EchoJson): string {
  // status and truncation are words of fixed sets (types.ts): nothing to escape.
  let out =
    `{"id":${json(r.id)},"object":"response","created_at":${scalar(r.created_at)},"status":"${r.status}",` +
    `"completed_at":${scalar(r.completed_at)},"error":null,"incomplete_details":${orNull(r.incomplete_details)},` +
    `"instructions":${echo.instructions},"model":${json(r.model)},"output":${json(r.output)},` +
    `"parallel_tool_calls":${scalar(r.parallel_tool_calls)},"previous_response_id":null,"reasoning":${orNull(r.reasoning)},` +
    `"store":${scalar(r.store)},"temperature":${scalar(r.temperature)},"top_p":${scalar(r.top_p)},` +
    `"max_output_tokens":${scalar(r.max_output_tokens)},"text":${textJson(r.text)},` +
    // A string tool_choice is none, auto or required (validate.ts).
    `"tool_choice":${typeof r.tool_choice === 'string' ? `"${r.tool_choice}"` : json(r.tool_choice)},` +
    `"tools":${echo.tools},"truncation":"${r.truncation}","metadata":${json(r.metadata)}`;
  // The optional fields, when present, in the order responseObject adds them.
  if (r.output_text !== undefined) out += `,"output_text":${json(r.output_text)}`;
  if (r.usage !== undefined) out += `,"usage":${json(r.usage)}`;
  if (r.user !== undefined) out += `,"user":${json(r.user)}`;
  if (r.prompt_cache_key !== undefined) out += `,"prompt_cache_key":${json(r.prompt_cache_key)}`;
  return `${out}}`;
}

/** `text`: nearly always the plain text format. */
function textJson(text: ResponseObject['text']): string {
  return text.format.type === 'text' && Object.keys(text.format).length === 1 ? '{"format":{"type":"text"}}' : json(text);
}
