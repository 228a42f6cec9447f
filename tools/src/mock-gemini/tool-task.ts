// Scripting a multi-step tool task, as a coding agent runs one: the mock reads where the
// conversation it receives stands (how many tool rounds it holds) and answers that step: call a
// tool, then the next one once the first one's result is back, then a final text. Each step can
// require proof in the function responses that the previous tool really ran (the file's text a
// read returned), and on Gemini 3 every signature the task issued must come back unchanged in
// its model turn, as a real client's history must carry it. When something is off the mock
// answers with a text saying what, so the agent stops and the test shows why.
import { isGemini3 } from './models';
import type { Behaviour, RecordedRequest, TextBehaviour, ToolCallsBehaviour } from './types';

export interface ToolTaskStep {
  /** Text the function responses of the latest user turn must contain (ignored on step 0). */
  expect?: string;
  reply: ToolCallsBehaviour | TextBehaviour;
}

type Part = Record<string, unknown>;
interface Content {
  role?: string;
  parts?: Part[];
}

const contentsOf = (request: RecordedRequest): Content[] => {
  const contents = (request.body as { contents?: unknown } | undefined)?.contents;
  return Array.isArray(contents) ? (contents as Content[]) : [];
};

/** The signature the task issues with step `n`'s first call (valid base64, as Gemini's are). */
export const taskSignature = (step: number): string => Buffer.from(`tool-task-step-${step}`).toString('base64');

/** A rule predicate: the request declares a function with this name (an agent's task turns do,
 * its side requests, such as title generation, may not). */
export function declaresFunction(name: string): (request: RecordedRequest) => boolean {
  return (request) => {
    const tools = (request.body as { tools?: { functionDeclarations?: { name?: string }[] }[] } | undefined)?.tools;
    return Array.isArray(tools) && tools.some((t) => t.functionDeclarations?.some((d) => d.name === name));
  };
}

/** Every string inside a value, joined by newlines: the text a function response carries,
 * whatever object shape the converter wrapped it in. */
function texts(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(texts).join('\n');
  if (value !== null && typeof value === 'object') return Object.values(value).map(texts).join('\n');
  return '';
}

const say = (text: string): TextBehaviour => ({ kind: 'text', text: `[mock tool task] ${text}` });

/** The reply function for `script({ reply })`: answers each step of `steps` in turn. */
export function toolTask(steps: readonly ToolTaskStep[]): (request: RecordedRequest) => Behaviour {
  return (request) => {
    const contents = contentsOf(request);
    const callTurns = contents.filter((c) => c.role === 'model' && c.parts?.some((p) => p['functionCall'] !== undefined));
    const step = callTurns.length;
    const gemini3 = isGemini3(request.model ?? '');

    if (gemini3) {
      for (const [n, turn] of callTurns.entries()) {
        const first = turn.parts!.find((p) => p['functionCall'] !== undefined)!;
        if (first['thoughtSignature'] !== taskSignature(n)) {
          return say(`the thought signature of step ${n} did not come back: expected ${taskSignature(n)}, got ${JSON.stringify(first['thoughtSignature'])}`);
        }
      }
    }

    const current = steps[step];
    if (current === undefined) return say(`the task has ${steps.length} steps, the conversation already holds ${step} tool rounds`);
    if (step > 0 && current.expect !== undefined) {
      const last = contents.at(-1);
      const responses = texts((last?.parts ?? []).map((p) => (p['functionResponse'] as { response?: unknown } | undefined)?.response));
      if (!responses.includes(current.expect)) {
        return say(`step ${step} expected ${JSON.stringify(current.expect)} in the function responses, got ${JSON.stringify(responses.slice(0, 500))}`);
      }
    }
    const reply = current.reply;
    if (reply.kind === 'toolCalls' && gemini3 && reply.thoughtSignature === undefined) return { ...reply, thoughtSignature: taskSignature(step) };
    return reply;
  };
}
