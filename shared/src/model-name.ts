// Model names and native API paths, checked the same way by both tiers before either builds a URL,
// counts a budget or writes a log line. A model name reaches Gemini inside a URL path
// (`/v1beta/models/{model}:generateContent`), so a name with `/`, `..` or a percent escape could
// steer the request to another model or out of /v1beta once a URL parser normalises it, while the
// pool bills, budgets and logs the name as written. Only plain ids pass, and every tier works on
// the normalised one (a leading `models/` removed).

/** Longer than any Gemini model id (`gemini-2.5-flash-preview-native-audio-dialog` is 43). */
export const MAX_MODEL_NAME_LENGTH = 128;

/** Longer than any native path a Google SDK sends (a resource name is at most a few hundred). */
export const MAX_NATIVE_PATH_LENGTH = 1024;

/** A model id: letters, digits, `.`, `-`, `_`, starting with a letter or digit. */
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** What a path segment may hold: Google's resource ids and `:method` suffixes. */
const PATH_SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._:-]*$/;

export type ModelNameCheck = { ok: true; model: string } | { ok: false; message: string };

/** Why `name` (already without `models/`) is not a model id, or undefined when it is one. */
function modelIdProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.length > MAX_MODEL_NAME_LENGTH) return `is longer than ${MAX_MODEL_NAME_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'contains a control character';
  if (name.includes('%')) return 'contains a percent escape';
  if (name.includes('/') || name.includes('\\')) return 'contains a path separator';
  if (/^\.+$/.test(name)) return 'is a dot segment';
  if (!MODEL_ID.test(name)) return 'may hold only letters, digits, ".", "-" and "_", and must start with a letter or digit';
  return undefined;
}

/**
 * Checks a model name from a request body (`model` of a chat or embeddings request, or of an
 * embedding request inside a batch) and returns it normalised: `models/gemini-2.5-flash` and
 * `gemini-2.5-flash` are the same model, as Google allows both.
 */
export function checkModelName(raw: unknown): ModelNameCheck {
  if (typeof raw !== 'string' || raw.length === 0) return { ok: false, message: 'you must provide a model parameter' };
  const name = raw.startsWith('models/') ? raw.slice('models/'.length) : raw;
  const problem = modelIdProblem(name);
  return problem ? { ok: false, message: `Invalid model name ${JSON.stringify(raw.slice(0, 80))}: it ${problem}.` } : { ok: true, model: name };
}

export type NativePathCheck =
  /** `model` is the normalised model of a `models/{model}` path, `*` for other resources. */
  | { ok: true; model: string; method: string }
  | { ok: false; message: string };

/**
 * Checks a native API path after its version (`/models/gemini-2.5-flash:generateContent`,
 * `/files/abc`, `/files`): no percent escapes, no dot segments, no control characters, no empty
 * segment inside it, and a model id that passes checkModelName. Returns the model and method it
 * names: the model is `*` for paths that are not about one model (lists, files, caches).
 */
export function checkNativePath(rest: string): NativePathCheck {
  const bad = (why: string): NativePathCheck => ({ ok: false, message: `Invalid path: ${why}.` });
  if (rest.length > MAX_NATIVE_PATH_LENGTH) return bad(`longer than ${MAX_NATIVE_PATH_LENGTH} characters`);
  if (rest.includes('%')) return bad('percent escapes are not allowed in an API path');
  if (rest.includes('\\')) return bad('a backslash is not allowed in an API path');
  const segments = rest.replace(/^\//, '').replace(/\/$/, '').split('/');
  if (segments.length === 1 && segments[0] === '') return { ok: true, model: '*', method: '' };
  for (const s of segments) {
    if (s === '.' || s === '..') return bad('dot segments ("." and "..") are not allowed');
    if (!PATH_SEGMENT.test(s)) return bad(`segment ${JSON.stringify(s.slice(0, 80))} is not a resource name`);
  }
  const [collection, id, ...more] = segments;
  const colon = (id ?? collection ?? '').indexOf(':');
  if (collection === 'models' && id !== undefined) {
    const name = colon >= 0 ? id.slice(0, colon) : id;
    const method = colon >= 0 ? id.slice(colon + 1) : '';
    const problem = modelIdProblem(name);
    if (problem) return bad(`the model name ${JSON.stringify(name.slice(0, 80))} ${problem}`);
    return { ok: true, model: name, method: more.length ? '' : method };
  }
  const last = segments[segments.length - 1]!;
  const at = last.indexOf(':');
  return { ok: true, model: '*', method: at >= 0 ? last.slice(at + 1) : '' };
}
