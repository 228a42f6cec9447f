// Claude Code 2.1.332, the real program, through the pool's Anthropic Messages route (pool -> the
// built Worker in workerd -> the strict mock Gemini): `claude -p` reads notes.txt with its Read
// tool, fixes it with its Edit tool, and says done, on Gemini 2.5 and on Gemini 3 (whose thought
// signatures must survive Claude Code's own history: the mock requires each one back unchanged).
// The mock scripts Gemini's side from what it receives (toolTask); the file on disk is the proof.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CompatStack, GEMINI_KEYS, generateRequests, useCompatStack } from '../compat/stack';
import { agentUnavailable, claudeRun } from './agents';
import { replayFixture, sseEventNames } from './replay-recorded';
import { AGENT_TIMEOUT_MS, runScriptedTask } from './scripted-task';
import { TASK_EDITED, TASK_FILE, claudeTask } from './task';

let stack: CompatStack;
useCompatStack((s) => (stack = s));

const unavailable = agentUnavailable('claude');
describe.each(['gemini-2.5-flash', 'gemini-3-flash-preview'])('Claude Code on %s', (model) => {
  it('reads a file with Read, edits it with Edit, and exits 0', async (ctx) => {
    if (unavailable) ctx.skip(unavailable);
    const { run, why, files, taskStatuses } = await runScriptedTask(
      stack,
      'Read',
      (project) => [
        { reply: { kind: 'toolCalls', thoughts: 'The file has to be read first.', text: 'Reading the file.', calls: [{ name: 'Read', args: { file_path: join(project, TASK_FILE) } }] } },
        { expect: 'The colour of the sky is blue.', reply: { kind: 'toolCalls', thoughts: 'Now the edit.', calls: [{ name: 'Edit', args: { file_path: join(project, TASK_FILE), old_string: 'colour', new_string: 'color' } }] } },
        { expect: 'has been updated successfully', reply: { kind: 'text', text: 'Done: notes.txt now says color.' } },
      ],
      (sandbox) => claudeRun(stack, sandbox, model, claudeTask, AGENT_TIMEOUT_MS),
    );
    expect(files[TASK_FILE], why).toBe(TASK_EDITED);
    expect(run.code, why).toBe(0);
    expect(run.stdout, why).toContain('Done: notes.txt now says color.');
    // The three task turns reached Gemini and passed the mock's checks (a 400 would show here).
    expect(taskStatuses).toEqual([200, 200, 200]);
    for (const key of GEMINI_KEYS) expect(stack.output()).not.toContain(key);
  });
});

describe('Claude Code, its recorded requests replayed', () => {
  type Part = { text?: string; functionCall?: { name: string; args: Record<string, unknown> }; functionResponse?: { name: string; response: unknown } };
  const geminiBody = () => generateRequests(stack.mock).at(-1)?.body as { contents: { role: string; parts: Part[] }[]; tools?: { functionDeclarations?: { name: string }[] }[] };

  it('answers the first turn (?beta=true, x-api-key, a role "system" message, deferred tools) with a whole Messages stream', async (ctx) => {
    const res = await replayFixture(stack, 'claude-code-first-turn');
    expect(res.status, res.text).toBe(200);
    const events = sseEventNames(res.text);
    expect(events[0]).toBe('message_start');
    expect(events.at(-1)).toBe('message_stop');
    expect(events).not.toContain('error');
    const declared = geminiBody().tools?.flatMap((t) => t.functionDeclarations ?? []).map((d) => d.name);
    expect(declared).toEqual(expect.arrayContaining(['Read', 'Edit', 'Bash', 'Write']));
  });

  it('carries the tool calls and results of the third turn to Gemini in order', async (ctx) => {
    const res = await replayFixture(stack, 'claude-code-tool-results-turn');
    expect(res.status, res.text).toBe(200);
    expect(sseEventNames(res.text).at(-1)).toBe('message_stop');
    const parts = geminiBody().contents.flatMap((c) => c.parts);
    expect(parts.flatMap((p) => (p.functionCall ? [p.functionCall.name] : []))).toEqual(['Read', 'Edit']);
    expect(parts.flatMap((p) => (p.functionResponse ? [p.functionResponse.name] : []))).toEqual(['Read', 'Edit']);
    expect(JSON.stringify(parts.filter((p) => p.functionResponse))).toContain('The colour of the sky is blue.');
  });
});
