// A Response object as JSON text: what JSON.stringify(response) writes, byte for byte, except
// that the echoed `instructions` and `tools` are spliced in as JSON already made (echo.ts: once
// per isolate for a request seen before; or the stream's stand-ins for them). The fields are
// written in the Response object's own order (response.ts responseObject), each value through
// JSON.stringify; the wrapper itself is a template, so the echo, most of the bytes, is never
// walked again.
import type { EchoJson } from './echo';
import type { ResponseObject } from './types';

const json = JSON.stringify;

export function responseJson(r: ResponseObject, echo: EchoJson): string {
  let out =
    `{"id":${json(r.id)},"object":"response","created_at":${json(r.created_at)},"status":${json(r.status)},` +
    `"completed_at":${json(r.completed_at)},"error":null,"incomplete_details":${json(r.incomplete_details)},` +
    `"instructions":${echo.instructions},"model":${json(r.model)},"output":${json(r.output)},` +
    `"parallel_tool_calls":${json(r.parallel_tool_calls)},"previous_response_id":null,"reasoning":${json(r.reasoning)},` +
    `"store":${json(r.store)},"temperature":${json(r.temperature)},"top_p":${json(r.top_p)},` +
    `"max_output_tokens":${json(r.max_output_tokens)},"text":${json(r.text)},"tool_choice":${json(r.tool_choice)},` +
    `"tools":${echo.tools},"truncation":${json(r.truncation)},"metadata":${json(r.metadata)}`;
  // The optional fields, when present, in the order responseObject adds them.
  if (r.output_text !== undefined) out += `,"output_text":${json(r.output_text)}`;
  if (r.usage !== undefined) out += `,"usage":${json(r.usage)}`;
  if (r.user !== undefined) out += `,"user":${json(r.user)}`;
  if (r.prompt_cache_key !== undefined) out += `,"prompt_cache_key":${json(r.prompt_cache_key)}`;
  return `${out}}`;
}
