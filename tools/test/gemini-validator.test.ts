import { describe, expect, it } from 'vitest';
import { findGeminiViolations, validateGeminiBody } from '../src/oracles/gemini-validator';
import { oraclesMissingMessage, oraclesPresent } from '../src/oracles/paths';

const title = (name: string): string => (oraclesPresent ? name : `${name} (skipped: ${oraclesMissingMessage})`);
const SIG = 'c2tpcF90aG91Z2h0X3NpZ25hdHVyZV92YWxpZGF0b3I=';

const fullCamel = {
  systemInstruction: { parts: [{ text: 'Be brief.' }] },
  contents: [
    { role: 'user', parts: [{ text: 'Weather in Paris?' }, { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }] },
    { role: 'model', parts: [{ text: 'Let me check.' }, { functionCall: { name: 'get_weather', args: { city: 'Paris', days: [1, 2] } }, thoughtSignature: SIG }] },
    { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { result: { temp: 21 } } } }] },
    { role: 'user', parts: [{ fileData: { mimeType: 'application/pdf', fileUri: 'https://example.com/a.pdf' } }, { text: 'thanks', thought: false }] },
  ],
  tools: [
    {
      functionDeclarations: [
        {
          name: 'get_weather',
          description: 'Weather for a city',
          parameters: {
            type: 'OBJECT',
            properties: {
              city: { type: 'STRING', description: 'City', enum: ['Paris', 'Rome'] },
              days: { type: 'ARRAY', items: { type: 'INTEGER' }, maxItems: '7', minItems: 1 },
              unit: { type: 'STRING', nullable: true, anyOf: [{ type: 'STRING' }] },
            },
            required: ['city'],
            propertyOrdering: ['city', 'days'],
          },
        },
        { name: 'raw', parametersJsonSchema: { type: ['string', 'null'], $defs: {}, additionalProperties: false } },
      ],
    },
    { googleSearch: {} },
    { codeExecution: {} },
    { urlContext: {} },
  ],
  toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } },
  safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
  generationConfig: {
    temperature: 0.7,
    topP: 0.9,
    topK: 40,
    candidateCount: 1,
    maxOutputTokens: 1024,
    stopSequences: ['END'],
    seed: 42,
    presencePenalty: 0.1,
    frequencyPenalty: 0.2,
    responseMimeType: 'text/plain',
    responseLogprobs: false,
    responseModalities: ['TEXT'],
    thinkingConfig: { includeThoughts: true, thinkingBudget: -1 },
  },
};

const snakeCase = {
  system_instruction: { parts: [{ text: 'Be brief.' }] },
  contents: [
    { role: 'model', parts: [{ function_call: { name: 'f', args: {} }, thought_signature: SIG }] },
    { role: 'user', parts: [{ function_response: { name: 'f', response: {} } }, { inline_data: { mime_type: 'image/jpeg', data: '_-8=' } }] },
  ],
  tools: [{ function_declarations: [{ name: 'f', parameters_json_schema: { type: 'object' } }] }],
  tool_config: { function_calling_config: { mode: 'AUTO', allowed_function_names: ['f'] } },
  generation_config: {
    max_output_tokens: 10,
    stop_sequences: ['x'],
    response_mime_type: 'application/json',
    response_json_schema: { type: 'object', properties: { a: { type: 'string' } } },
    thinking_config: { include_thoughts: false, thinking_level: 'HIGH' },
  },
};

describe.skipIf(!oraclesPresent)(title('validateGeminiBody accepts real-shaped bodies'), () => {
  it.each([
    ['a full camelCase GenerateContentRequest', 'GenerateContentRequest', fullCamel],
    ['the same fields under snake_case proto names', 'GenerateContentRequest', snakeCase],
    ['responseSchema (the OpenAPI subset)', 'GenerateContentRequest', { contents: [], generationConfig: { responseMimeType: 'application/json', responseSchema: { type: 'OBJECT', properties: { a: { type: 'NUMBER', format: 'float', minimum: 0 } } } } }],
    ['numbers as strings and int64 as numbers (proto3 JSON)', 'GenerateContentRequest', { generationConfig: { temperature: '0.5', maxOutputTokens: '100', responseSchema: { maxLength: 5 } } }],
    ['an enum given by number', 'GenerateContentRequest', { toolConfig: { functionCallingConfig: { mode: 1 } } }],
    ['null for any field (proto3: not set)', 'GenerateContentRequest', { generationConfig: null, contents: [{ role: null, parts: [{ text: 'a' }] }] }],
    ['a single object for a repeated field', 'GenerateContentRequest', { contents: { parts: { text: 'hi' } } }],
    ['anything under Part.mediaResolution (a dangling $ref)', 'GenerateContentRequest', { contents: [{ parts: [{ text: 'a', mediaResolution: { level: 'MEDIA_RESOLUTION_HIGH' } }] }] }],
    ['countTokens with contents', 'CountTokensRequest', { contents: [{ parts: [{ text: 'a' }] }] }],
    ['countTokens with a generateContentRequest', 'CountTokensRequest', { generateContentRequest: { model: 'models/gemini-2.5-flash', contents: [{ parts: [{ text: 'a' }] }] } }],
    ['embedContent', 'EmbedContentRequest', { content: { parts: [{ text: 'a' }] }, taskType: 'RETRIEVAL_DOCUMENT', title: 't', outputDimensionality: 768 }],
    ['batchEmbedContents', 'BatchEmbedContentsRequest', { requests: [{ model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }] } }] }],
  ])('%s', (_name, schema, body) => {
    expect(findGeminiViolations(schema, body)).toEqual([]);
    expect(validateGeminiBody(schema, body)).toEqual({ ok: true });
  });
});

describe.skipIf(!oraclesPresent)(title('validateGeminiBody rejects with Google wording'), () => {
  it('answers an unknown nested field with Google exact 400 body', () => {
    const description = "Invalid JSON payload received. Unknown name \"foo\" at 'generation_config': Cannot find field.";
    expect(validateGeminiBody('GenerateContentRequest', { generationConfig: { foo: 1 } })).toEqual({
      ok: false,
      status: 400,
      body: {
        error: {
          code: 400,
          message: description,
          status: 'INVALID_ARGUMENT',
          details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'generation_config', description }] }],
        },
      },
    });
  });

  it.each([
    ['a top-level unknown name, without an `at` or a field', { foo: 1 }, undefined, 'Invalid JSON payload received. Unknown name "foo": Cannot find field.'],
    ['an unknown name inside a part', { contents: [{ parts: [{ text: 'a' }, { txt: 'b' }] }] }, 'contents[0].parts[1]', "Invalid JSON payload received. Unknown name \"txt\" at 'contents[0].parts[1]': Cannot find field."],
    ['an unknown name inside a schema map entry', { tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'OBJECT', properties: { a: { type: 'STRING' }, b: { type: 'OBJECT', additionalProperties: false } } } }] }] }, 'tools[0].function_declarations[0].parameters.properties[1].value', "Invalid JSON payload received. Unknown name \"additionalProperties\" at 'tools[0].function_declarations[0].parameters.properties[1].value': Cannot find field."],
    ['a string where a float is expected', { generationConfig: { temperature: 'hot' } }, 'generation_config.temperature', "Invalid value at 'generation_config.temperature' (TYPE_FLOAT), \"hot\""],
    ['a fraction where an int32 is expected', { generationConfig: { maxOutputTokens: 1.5 } }, 'generation_config.max_output_tokens', "Invalid value at 'generation_config.max_output_tokens' (TYPE_INT32), 1.5"],
    ['a string where a bool is expected', { generationConfig: { thinkingConfig: { includeThoughts: 'yes' } } }, 'generation_config.thinking_config.include_thoughts', "Invalid value at 'generation_config.thinking_config.include_thoughts' (TYPE_BOOL), \"yes\""],
    ['a number where a string is expected', { contents: [{ parts: [{ text: 5 }] }] }, 'contents[0].parts[0].text', "Invalid value at 'contents[0].parts[0].text' (TYPE_STRING), 5"],
    ['a string where a message is expected', { contents: [{ parts: ['hi'] }] }, 'contents[0].parts[0]', "Invalid value at 'contents[0].parts[0]' (type.googleapis.com/google.ai.generativelanguage.v1beta.Part), \"hi\""],
    ['a list where a single value is expected', { tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'OBJECT', properties: { a: { type: ['string', 'null'] } } } }] }] }, 'tools[0].function_declarations[0].parameters.properties[0].value', "Invalid JSON payload received. Unknown name \"type\" at 'tools[0].function_declarations[0].parameters.properties[0].value': Proto field is not repeating, cannot start list."],
    ['a bad enum value', { toolConfig: { functionCallingConfig: { mode: 'REQUIRED' } } }, 'tool_config.function_calling_config.mode', "Invalid value at 'tool_config.function_calling_config.mode' (type.googleapis.com/google.ai.generativelanguage.v1beta.FunctionCallingConfig.Mode), \"REQUIRED\""],
    ['a top-level proto enum (Schema.type is ...v1beta.Type)', { generationConfig: { responseSchema: { type: 'null' } } }, 'generation_config.response_schema.type', "Invalid value at 'generation_config.response_schema.type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type), \"null\""],
    ['bytes that are not base64', { contents: [{ parts: [{ inlineData: { mimeType: 'image/png', data: 'not base64!' } }] }] }, 'contents[0].parts[0].inline_data.data', "Invalid value at 'contents[0].parts[0].inline_data.data' (TYPE_BYTES), Base64 decoding failed for \"not base64!\""],
    ['two members of the Part data oneof', { contents: [{ parts: [{ text: 'a', functionCall: { name: 'f' } }] }] }, 'contents[0].parts[0].data', "Invalid value at 'contents[0].parts[0].data' (oneof), oneof field 'data' is already set. Cannot overwrite with 'function_call'"],
    ['an unknown snake_case name in a snake_case body', { generation_config: { thinking_config: { thinking_budgt: 1 } } }, 'generation_config.thinking_config', "Invalid JSON payload received. Unknown name \"thinking_budgt\" at 'generation_config.thinking_config': Cannot find field."],
    ['an unknown field in an embed request of a batch', { requests: [{ model: 'models/m', content: { parts: [{ text: 'a' }] }, dimensions: 3 }] }, 'requests[0]', "Invalid JSON payload received. Unknown name \"dimensions\" at 'requests[0]': Cannot find field.", 'BatchEmbedContentsRequest'],
  ])('rejects %s', (_name, body, field, description, schema = 'GenerateContentRequest') => {
    const violations = findGeminiViolations(schema, body);
    expect(violations).toEqual([field === undefined ? { description } : { field, description }]);
  });

  it('lists every violation, joined by newlines in the message', () => {
    const result = validateGeminiBody('GenerateContentRequest', { a: 1, generationConfig: { b: 2, temperature: 'x' } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.body.error.message?.split('\n')).toHaveLength(3);
    const details = result.body.error.details?.[0] as { fieldViolations: unknown[] };
    expect(details.fieldViolations).toHaveLength(3);
  });

  it('rejects a body that is not an object', () => {
    expect(findGeminiViolations('GenerateContentRequest', [])).toEqual([
      { description: 'Invalid JSON payload received. Unknown name "": Root element must be a message.' },
    ]);
  });

  it('does not look inside free-form JSON (function args, parametersJsonSchema)', () => {
    const body = { contents: [{ parts: [{ functionCall: { name: 'f', args: { anything: [{ goes: true }] } } }] }], tools: [{ functionDeclarations: [{ name: 'f', parametersJsonSchema: { foo: [1] } }] }] };
    expect(findGeminiViolations('GenerateContentRequest', body)).toEqual([]);
  });

  it('throws for a schema name the discovery document does not define', () => {
    expect(() => validateGeminiBody('NoSuchRequest', {})).toThrow(/NoSuchRequest/);
  });
});
