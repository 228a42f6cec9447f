// JSON already written as text, for the places that would otherwise JSON.stringify a value: a
// body the code wrote itself because parts of it were made once and kept (the Responses echo,
// the Gemini form of a kept tool list), sent as it is.
export class JsonText {
  constructor(readonly text: string) {}
}

/** The JSON of `value`: its own text when it is a JsonText. */
export function jsonOf(value: unknown): string {
  return value instanceof JsonText ? value.text : JSON.stringify(value);
}
