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

/** A bit of a form's slot per trait: a trait added to ToolTraits does not compile until it has one,
 * so every trait is in the slot, as it is in convert's input. */
const TRAIT_BITS: Readonly<Record<keyof ToolTraits, number>> = { jsonSchema: 1, gemini3: 2 };

/** Where the form for `traits` is kept: one slot per combination (no key built per request). */
function slotOf(traits: ToolTraits): number {
  let slot = 0;
  for (const trait in TRAIT_BITS) if (traits[trait as keyof ToolTraits]) slot += TRAIT_BITS[trait as keyof ToolTraits];
  return slot;
}

/** The forms of one kept list: one per combination of traits, each charged to its keeper. */
export class KeptToolForms {
  private readonly forms: Array<GeminiTools | undefined> = [];

  /** `charge` is told the bytes each new form holds (its objects and its JSON, about 2 bytes a
   * character each: the owner's byte budget, json-memo.ts). */
  constructor(private readonly charge: (bytes: number) => void) {}

  /** The form for `traits`, converted by `convert` (given exactly these traits) the first time. */
  form(traits: ToolTraits, convert: (traits: ToolTraits) => GeminiTools): GeminiTools {
    const slot = slotOf(traits);
    let form = this.forms[slot];
    if (!form) {
      // Frozen: shared by every later request's body, which must never change it.
      form = deepFreeze(convert(traits));
      const json = JSON.stringify(form.tools);
      keptToolsJson.set(form.tools, json);
      this.forms[slot] = form;
      this.charge(json.length * 4);
    }
    return form;
  }
}
