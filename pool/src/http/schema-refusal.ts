// JSON-schema refusals (Fastify validates bodies, params and querystrings against a route's
// schema before its handler runs; the admin API's are admin/routes/schemas.ts) as a 400
// `client_bad_request` whose `param` names the field at fault (`keys[3]`, `url`, `days`) and a
// message saying what it must be, plus the route's own hint of the body it expects
// (`config.schemaHint`).
import { type PoolError, badRequest } from './errors';

/** One ajv error as Fastify hands it over (`err.validation[i]`). */
export interface SchemaProblem {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

/** `/keys/3/name` -> `keys[3].name`; empty for the whole body or querystring. */
export function fieldOf(instancePath: string): string {
  let out = '';
  for (const part of instancePath.split('/').slice(1)) {
    const name = part.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(name) ? `[${name}]` : out ? `.${name}` : name;
  }
  return out;
}

const join = (parent: string, child: string) => (parent ? `${parent}.${child}` : child);

/** What Fastify adds to an error when a schema check failed. */
export interface SchemaFailure {
  validation?: readonly SchemaProblem[] | undefined;
  validationContext?: string | undefined;
}

/** The 400 for a failed schema check, naming the field; `hint` is the route's expected body. */
export function schemaRefusal(err: SchemaFailure, hint?: string): PoolError {
  const problem = err.validation?.[0] ?? { keyword: '', instancePath: '', params: {} };
  const where = fieldOf(problem.instancePath);
  const part = err.validationContext ?? 'body';
  let param: string;
  let what: string;
  if (problem.keyword === 'required' && typeof problem.params['missingProperty'] === 'string') {
    param = join(where, problem.params['missingProperty']);
    what = `${param} is required`;
  } else if (problem.keyword === 'additionalProperties' && typeof problem.params['additionalProperty'] === 'string') {
    param = join(where, problem.params['additionalProperty'].slice(0, 64));
    what = `${param} is not a field of this call`;
  } else {
    param = where || part;
    what = `${param} ${problem.message ?? 'is not valid'}`;
  }
  return badRequest(hint ? `${what}. ${hint}` : `${what}.`, param);
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The body the route expects, added to its schema refusals. */
    schemaHint?: string;
  }
}
