// Running the real coding agents (Claude Code, Codex CLI, Gemini CLI) headless and offline, the
// way a user points them at the pool: the binaries installed in tools/agents (`npm ci --prefix
// tools/agents`), HOME at a fresh temp folder so nothing of this machine's settings is read or
// written, the settings each one needs (../shared/reference/real-clients.md), a project folder
// to work in, and a hard time limit. The fixture recorder and the agent tests both run them here.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { repoRoot } from '../../src/oracles/paths';

export type AgentName = 'claude' | 'codex' | 'gemini';

export const agentsDir = resolve(repoRoot, 'tools/agents');

/** The installed binary of an agent, or undefined when tools/agents is not installed. */
export function agentBin(name: AgentName): string | undefined {
  const bin = join(agentsDir, 'node_modules/.bin', name);
  return existsSync(bin) ? bin : undefined;
}

export const agentsMissingMessage =
  'the real agents are not installed in tools/agents: run `npm ci --prefix tools/agents` (CI does, in .ci/run)';

export interface AgentRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

/** Spawns an agent with exactly `env` (plus PATH) and kills its whole process group after `timeoutMs`. */
export function runAgent(bin: string, args: string[], options: { cwd: string; env: Record<string, string>; timeoutMs: number }): Promise<AgentRun> {
  const started = Date.now();
  return new Promise((done, fail) => {
    const child = spawn(bin, args, {
      cwd: options.cwd,
      // Nothing inherited but PATH: no proxy settings, no real keys, no CI variables reach it.
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C.UTF-8', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const kill = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, options.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      fail(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      kill(); // helpers it started (MCP servers, shells) go with it
      done({ code, signal, stdout, stderr, timedOut, ms: Date.now() - started });
    });
  });
}

/** A temp HOME and a project folder inside it; `close()` removes both. */
export interface AgentSandbox {
  home: string;
  project: string;
  close(): Promise<void>;
}

export async function agentSandbox(files: Record<string, string> = {}): Promise<AgentSandbox> {
  const home = await mkdtemp(join(tmpdir(), 'opengemini-agent-'));
  const project = join(home, 'project');
  await mkdir(project);
  for (const [name, text] of Object.entries(files)) await writeFile(join(project, name), text);
  return { home, project, close: () => rm(home, { recursive: true, force: true }) };
}

export interface Endpoint {
  /** Origin without a trailing slash, e.g. http://127.0.0.1:40123 */
  base: string;
  apiKey: string;
}

/**
 * `claude -p` against the endpoint. The key goes as ANTHROPIC_API_KEY (sent as `x-api-key`);
 * the small fast model is pointed at the same Gemini model, or Claude Code would ask for haiku.
 * Edits are allowed without prompting (`acceptEdits`); running as root forbids skipping all
 * permissions, and the tasks need only Read and Edit.
 */
export async function claudeRun(endpoint: Endpoint, sandbox: AgentSandbox, model: string, task: string, timeoutMs: number): Promise<AgentRun> {
  const bin = agentBin('claude');
  if (!bin) throw new Error(agentsMissingMessage);
  return runAgent(bin, ['-p', task, '--model', model, '--permission-mode', 'acceptEdits', '--allowedTools', 'Read,Edit'], {
    cwd: sandbox.project,
    timeoutMs,
    env: {
      HOME: sandbox.home,
      ANTHROPIC_BASE_URL: endpoint.base,
      ANTHROPIC_API_KEY: endpoint.apiKey,
      ANTHROPIC_MODEL: model,
      ANTHROPIC_SMALL_FAST_MODEL: model,
      ANTHROPIC_DEFAULT_HAIKU_MODEL: model,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_AUTOUPDATER: '1',
    },
  });
}

/**
 * Codex's model catalog entry for a Gemini model. Codex has metadata only for OpenAI's models;
 * for any other name it falls back to defaults that give the model NO apply_patch tool (it edits
 * through the shell then). A catalog (`model_catalog_json`) with these fields, the ones its
 * parser requires, gives it the freeform apply_patch tool, as OpenAI's own models get.
 */
export function codexCatalogEntry(model: string): Record<string, unknown> {
  return {
    slug: model,
    display_name: model,
    base_instructions: 'You are Codex, a coding agent in a terminal. Run shell commands with exec_command and edit files with apply_patch.',
    apply_patch_tool_type: 'freeform',
    shell_type: 'shell_command',
    context_window: 1_000_000,
    // Gemini thinks: Codex then sends reasoning.effort (a thinking level or budget for Gemini).
    supported_reasoning_levels: [
      { effort: 'low', description: 'Fast answers with light thinking' },
      { effort: 'medium', description: 'Balanced thinking' },
      { effort: 'high', description: 'Deep thinking' },
    ],
    default_reasoning_level: 'medium',
    support_verbosity: false,
    truncation_policy: { mode: 'tokens', limit: 10_000 },
    experimental_supported_tools: [],
    visibility: 'list',
    supported_in_api: true,
    priority: 1,
  };
}

/**
 * `codex exec` against the endpoint through a config.toml model provider (`wire_api =
 * "responses"`, the key from an environment variable) and a model catalog for the model. No
 * sandbox (bubblewrap is absent here and the project is a throwaway folder) and no approvals,
 * so its shell commands and patches run.
 */
export async function codexRun(endpoint: Endpoint, sandbox: AgentSandbox, model: string, task: string, timeoutMs: number): Promise<AgentRun> {
  const bin = agentBin('codex');
  if (!bin) throw new Error(agentsMissingMessage);
  const codexHome = join(sandbox.home, '.codex');
  await mkdir(codexHome, { recursive: true });
  const catalog = join(codexHome, 'gemini-models.json');
  await writeFile(catalog, JSON.stringify({ models: [codexCatalogEntry(model)] }));
  await writeFile(
    join(codexHome, 'config.toml'),
    [
      `model = "${model}"`,
      'model_provider = "opengemini"',
      `model_catalog_json = "${catalog}"`,
      '',
      '[model_providers.opengemini]',
      'name = "OpenGemini"',
      `base_url = "${endpoint.base}/v1"`,
      'env_key = "OPENGEMINI_KEY"',
      'wire_api = "responses"',
      // A failed request is a test failure, not something to wait out.
      'request_max_retries = 0',
      'stream_max_retries = 0',
      '',
    ].join('\n'),
  );
  return runAgent(bin, ['exec', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', task], {
    cwd: sandbox.project,
    timeoutMs,
    env: { HOME: sandbox.home, CODEX_HOME: codexHome, OPENGEMINI_KEY: endpoint.apiKey },
  });
}

/** `gemini -p` against the endpoint's native /v1beta, with the settings that select key auth. */
export async function geminiRun(endpoint: Endpoint, sandbox: AgentSandbox, model: string, task: string, timeoutMs: number): Promise<AgentRun> {
  const bin = agentBin('gemini');
  if (!bin) throw new Error(agentsMissingMessage);
  await mkdir(join(sandbox.home, '.gemini'), { recursive: true });
  await writeFile(join(sandbox.home, '.gemini/settings.json'), JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } } }));
  return runAgent(bin, ['-p', task, '-m', model, '--yolo', '--skip-trust'], {
    cwd: sandbox.project,
    timeoutMs,
    env: { HOME: sandbox.home, GEMINI_API_KEY: endpoint.apiKey, GOOGLE_GEMINI_BASE_URL: endpoint.base },
  });
}

/**
 * Why an agent test cannot run here, or undefined when it can. A missing install skips the test
 * on a developer's machine (saying how to install) but fails it in CI, where .ci/run installs.
 */
export function agentUnavailable(name: AgentName): string | undefined {
  if (agentBin(name)) return undefined;
  if (process.env['CI']) throw new Error(`${agentsMissingMessage}; CI must run the agent tests`);
  return agentsMissingMessage;
}

