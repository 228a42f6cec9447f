// The Gemini forms of a tool list that a dialect keeps for every request declaring it (Codex's
// tools, every turn: responses/known-tools.ts), with the JSON of each: converted and written once
// per list and per set of model traits, not per request. The dialect hands the holder in with the
// conversation (Conversation.keptTools); an ordinary list has none and is converted per request.
import type { Gemini } from '@opengemini/shared';
import { deepFreeze } from '../deep-freeze';

/** What of the model a tool list's conversion depends on: its whole input besides the list. */
export interface ToolTraits {
  /** The model takes JSON Schema (parametersJsonSchema) for schemas the subset would narrow. */
  jsonSchema: boolean;
  /** Built-in tools may share a request with function declarations. */
  gemini3: boolean;
}

/** A tool list's Gemini form: the tools, and whether functions are among them. */
export interface GeminiTools {
  tools: readonly Gemini.Tool[];
  hasFunctions: boolean;
}

/** The JSON of each kept form's tools: a body holding them is written around it (body-json.ts). */
const keptToolsJson = new WeakMap<readonly Gemini.Tool[], string>();

/** The JSON of a body's tools when they are a kept form's (written once), or undefined. */
export function keptJsonOfTools(tools: readonly Gemini.Tool[] | undefined): string | undefined {
  return tools === undefined ? undefined : keptToolsJson.get(tools);
}

/** The forms of one kept list: at most four (two traits), each charged to its keeper. */
export class KeptToolForms {
  private readonly forms = new Map<string, GeminiTools>();

  /** `charge` is told the bytes each new form holds (its objects and its JSON, about 2 bytes a
   * character each: the owner's byte budget, json-memo.ts). */
  constructor(private readonly charge: (bytes: number) => void) {}

  /** The form for `traits`, converted by `convert` (given exactly these traits) the first time. */
  form(traits: ToolTraits, convert: (traits: ToolTraits) => GeminiTools): GeminiTools {
    // Every trait in the key (a trait added later is in it too): the key is exactly convert's input.
    const key = JSON.stringify(traits);
    let form = this.forms.get(key);
    if (!form) {
      // Frozen: shared by every later request's body, which must never change it.
      form = deepFreeze(convert(traits));
      const json = JSON.stringify(form.tools);
      keptToolsJson.set(form.tools, json);
      this.forms.set(key, form);
      this.charge(json.length * 4);
    }
    return form;
  }
}
