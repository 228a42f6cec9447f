// The checks the real API makes after a body has parsed, each with Google's wording (from
// ../shared/reference/gemini-wire.md and public bug reports). They run on bodies the schema
// validator has already accepted, so field types can be trusted; field names may still be
// snake_case, which `field()` reads.
import { invalidArgument, type GeminiError } from './errors';
import { field, list } from './fields';
import { findModel, isGemini3, isProClass } from './models';

/** "* Request.path: message\n" lines, Google's format for required-field failures. */
function structural(request: string, contents: unknown[], out: string[], path = 'contents'): void {
  contents.forEach((c, i) => {
    const parts = list(field(c, 'parts'));
    if (parts.length === 0) {
      out.push(`* ${request}.${path}[${i}].parts: contents.parts must not be empty.\n`);
      return;
    }
    parts.forEach((p, j) => {
      const text = field(p, 'text');
      const hasData = ['inlineData', 'functionCall', 'functionResponse', 'fileData', 'executableCode', 'codeExecutionResult', 'toolCall', 'toolResponse'].some(
        (k) => field(p, k) !== undefined,
      );
      // An empty text with nothing else initialises nothing (proto3 drops default values).
      if (!hasData && (typeof text !== 'string' || (text === '' && field(p, 'thoughtSignature') === undefined))) {
        out.push(`* ${request}.${path}[${i}].parts[${j}].data: required oneof field 'data' must have one initialized field\n`);
      }
    });
  });
}

/** Checks the contents of a countTokens or generate request; undefined when fine. */
export function checkContents(request: 'GenerateContentRequest' | 'CountTokensRequest', contents: unknown[], path = 'contents'): GeminiError | undefined {
  const out: string[] = [];
  if (contents.length === 0) out.push(`* ${request}.${path}: contents is not specified\n`);
  structural(request, contents, out, path);
  return out.length > 0 ? invalidArgument(out.join('')) : undefined;
}

const countParts = (c: unknown, kind: string): number => list(field(c, 'parts')).filter((p) => field(p, kind) !== undefined).length;

function checkTurns(contents: unknown[]): GeminiError | undefined {
  for (let i = 0; i < contents.length; i++) {
    const c = contents[i];
    const role = field(c, 'role');
    if (role !== undefined && role !== 'user' && role !== 'model') return invalidArgument('Please use a valid role: user, model.');
    const responses = countParts(c, 'functionResponse');
    if (responses > 0) {
      const prev = i > 0 ? contents[i - 1] : undefined;
      const calls = prev !== undefined && field(prev, 'role') === 'model' ? countParts(prev, 'functionCall') : 0;
      if (calls !== responses) {
        return invalidArgument('Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.');
      }
    }
  }
  return undefined;
}

function checkThinking(model: string, config: unknown): GeminiError | undefined {
  const thinking = field(field(config, 'generationConfig'), 'thinkingConfig');
  if (thinking === undefined) return undefined;
  const budget = field(thinking, 'thinkingBudget');
  const level = field(thinking, 'thinkingLevel');
  if (budget !== undefined && level !== undefined) return invalidArgument('thinking_budget and thinking_level are not supported together.');
  const info = findModel(model);
  if (!info?.thinking) {
    if (field(thinking, 'includeThoughts') === true || (budget !== undefined && Number(budget) !== 0) || level !== undefined) {
      return invalidArgument(`Thinking is not enabled for models/${model}`);
    }
    return undefined;
  }
  if (budget !== undefined && Number(budget) === 0 && isProClass(model)) return invalidArgument('Budget 0 is invalid. This model only works in thinking mode.');
  if (level !== undefined) {
    if (!isGemini3(model)) return invalidArgument('Thinking level is not supported for this model.');
    if (level === 'MINIMAL' && isProClass(model)) return invalidArgument('Thinking level MINIMAL is not supported for this model.');
  }
  return undefined;
}

/**
 * Gemini 3: in the current turn (the model turns after the last user turn that is not only
 * function responses), each model turn's FIRST functionCall part must carry a thoughtSignature.
 * `position` is the 1-based index of the offending content (inferred from Google's messages).
 * Any signature passes, including Google's placeholder `skip_thought_signature_validator`.
 */
function checkSignatures(model: string, contents: unknown[]): GeminiError | undefined {
  if (!isGemini3(model)) return undefined;
  let start = 0;
  for (let i = contents.length - 1; i >= 0; i--) {
    const c = contents[i];
    if (field(c, 'role') === 'model') continue;
    const parts = list(field(c, 'parts'));
    if (parts.some((p) => field(p, 'functionResponse') === undefined)) {
      start = i + 1;
      break;
    }
  }
  for (let i = start; i < contents.length; i++) {
    const c = contents[i];
    if (field(c, 'role') !== 'model') continue;
    const first = list(field(c, 'parts')).find((p) => field(p, 'functionCall') !== undefined);
    if (first === undefined || field(first, 'thoughtSignature') !== undefined) continue;
    const name = String(field(field(first, 'functionCall'), 'name') ?? '');
    return invalidArgument(
      'Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. ' +
        `Additional data, function call \`default_api:${name}\` , position ${i + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`,
    );
  }
  return undefined;
}

function checkJsonMode(body: unknown): GeminiError | undefined {
  const mime = field(field(body, 'generationConfig'), 'responseMimeType');
  if (mime !== 'application/json') return undefined;
  const declares = list(field(body, 'tools')).some((t) => list(field(t, 'functionDeclarations')).length > 0);
  return declares ? invalidArgument("Function calling with a response mime type: 'application/json' is unsupported") : undefined;
}

/** Every semantic check of a generate request, in the order the API applies them. */
export function checkGenerateRequest(model: string, body: unknown): GeminiError | undefined {
  const contents = list(field(body, 'contents'));
  return (
    checkContents('GenerateContentRequest', contents) ??
    checkTurns(contents) ??
    checkThinking(model, body) ??
    checkJsonMode(body) ??
    checkSignatures(model, contents)
  );
}
