// Codex CLI 0.171.0, the real program, through the pool's OpenAI Responses route (pool -> the
// built Worker in workerd -> the strict mock Gemini): `codex exec` runs a shell command that shows
// notes.txt (and leaves checked.txt behind), patches the file with its freeform apply_patch tool,
// and says done, on Gemini 2.5 and on Gemini 3 (whose thought signatures must survive Codex's
// history, `store: false` with reasoning.encrypted_content: the mock requires each one back
// unchanged). apply_patch reaches Gemini as a function with one string argument, `input` (the
// Responses dialect's mapping of custom tools). The disk is the proof.
import { describe, expect, it } from 'vitest';
import { type CompatStack, GEMINI_KEYS, generateRequests, useCompatStack } from '../compat/stack';
import { agentUnavailable, codexRun } from './agents';
import { replayFixture, sseEventNames } from './replay-recorded';
import { AGENT_TIMEOUT_MS, runScriptedTask } from './scripted-task';
import { SHELL_MARK, TASK_EDITED, TASK_FILE, codexShellCommand, codexTask, taskPatch } from './task';

let stack: CompatStack;
useCompatStack((s) => (stack = s));

const unavailable = agentUnavailable('codex');
describe.each(['gemini-2.5-flash', 'gemini-3-flash-preview'])('Codex CLI on %s', (model) => {
  it('runs a shell command, applies a patch with apply_patch, and exits 0', async (ctx) => {
    if (unavailable) ctx.skip(unavailable);
    const { run, why, files, taskStatuses } = await runScriptedTask(
      stack,
      'exec_command',
      (project) => [
        { reply: { kind: 'toolCalls', thoughts: 'Look at the file first.', calls: [{ name: 'exec_command', args: { cmd: codexShellCommand, workdir: project } }] } },
        { expect: 'The colour of the sky is blue.', reply: { kind: 'toolCalls', thoughts: 'Now the patch.', calls: [{ name: 'apply_patch', args: { input: taskPatch } }] } },
        { expect: 'Success. Updated the following files', reply: { kind: 'text', text: 'Done: notes.txt now says color.' } },
      ],
      (sandbox) => codexRun(stack, sandbox, model, codexTask, AGENT_TIMEOUT_MS),
    );
    expect(files[SHELL_MARK], why).toBe('ran\n');
    expect(files[TASK_FILE], why).toBe(TASK_EDITED);
    expect(run.code, why).toBe(0);
    expect(run.stdout, why).toContain('Done: notes.txt now says color.');
    // The three task turns reached Gemini and passed the mock's checks (a 400 would show here).
    expect(taskStatuses).toEqual([200, 200, 200]);
    for (const key of GEMINI_KEYS) expect(stack.output()).not.toContain(key);
  });
});

describe('Codex CLI, its recorded requests replayed', () => {
  type Part = { functionCall?: { name: string; args: Record<string, unknown> }; functionResponse?: { name: string; response: unknown } };
  type Declaration = { name: string; parameters?: unknown; parametersJsonSchema?: unknown };
  const geminiBody = () => generateRequests(stack.mock).at(-1)?.body as { contents: { role: string; parts: Part[] }[]; tools?: { functionDeclarations?: Declaration[] }[] };

  it('answers the first turn (store false, encrypted reasoning, a namespace tool, custom apply_patch) with a whole Responses stream', async (ctx) => {
    const res = await replayFixture(stack, 'codex-first-turn');
    expect(res.status, res.text).toBe(200);
    const events = sseEventNames(res.text);
    expect(events[0]).toBe('response.created');
    expect(events.at(-1)).toBe('response.completed');
    expect(events).not.toContain('error');
    const declarations = geminiBody().tools?.flatMap((t) => t.functionDeclarations ?? []) ?? [];
    expect(declarations.map((d) => d.name)).toEqual(expect.arrayContaining(['exec_command', 'apply_patch']));
    // The freeform tool becomes a function of one string argument, `input`.
    const applyPatch = declarations.find((d) => d.name === 'apply_patch');
    expect(JSON.stringify(applyPatch?.parametersJsonSchema ?? applyPatch?.parameters)).toMatch(/"input":\{"type":"string"/i);
  });

  it('carries the shell call, the patch and both outputs of the third turn to Gemini in order', async (ctx) => {
    const res = await replayFixture(stack, 'codex-tool-results-turn');
    expect(res.status, res.text).toBe(200);
    expect(sseEventNames(res.text).at(-1)).toBe('response.completed');
    const parts = geminiBody().contents.flatMap((c) => c.parts);
    expect(parts.flatMap((p) => (p.functionCall ? [p.functionCall.name] : []))).toEqual(['exec_command', 'apply_patch']);
    expect(parts.flatMap((p) => (p.functionResponse ? [p.functionResponse.name] : []))).toEqual(['exec_command', 'apply_patch']);
    expect(parts.find((p) => p.functionCall?.name === 'apply_patch')?.functionCall?.args).toEqual({ input: expect.stringContaining('*** Begin Patch') });
    expect(JSON.stringify(parts.filter((p) => p.functionResponse))).toContain('Success. Updated the following files');
  });
});
