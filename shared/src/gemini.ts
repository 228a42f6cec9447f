// Gemini v1beta wire types. The bulk is generated from Google's discovery document
// (gemini.generated.ts, checked by a test); this file adds what the document does not type:
// the error envelope and its `details`.
export type * from './gemini.generated';

/** google.rpc.Status as Gemini returns it inside `{"error": ...}`. */
export interface GeminiErrorStatus {
  code?: number;
  message?: string;
  status?: string;
  details?: GeminiErrorDetail[];
}

export type GeminiErrorDetail =
  | { '@type': 'type.googleapis.com/google.rpc.QuotaFailure'; violations?: Array<{ quotaMetric?: string; quotaId?: string; quotaDimensions?: Record<string, string>; quotaValue?: string; subject?: string; description?: string }> }
  | { '@type': 'type.googleapis.com/google.rpc.RetryInfo'; retryDelay?: string }
  | { '@type': 'type.googleapis.com/google.rpc.ErrorInfo'; reason?: string; domain?: string; metadata?: Record<string, string> }
  | { '@type': 'type.googleapis.com/google.rpc.BadRequest'; fieldViolations?: Array<{ field?: string; description?: string }> }
  | { '@type': 'type.googleapis.com/google.rpc.Help'; links?: Array<{ description?: string; url?: string }> }
  | { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage'; locale?: string; message?: string }
  | { '@type': string; [field: string]: unknown };

/** Gemini's error body. Some front ends wrap it in a one-element array; accept both. */
export interface GeminiErrorBody {
  error: GeminiErrorStatus;
}
