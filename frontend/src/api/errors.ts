import type { AppError } from './types'

// The Go side's ErrorFormatter rejects every failing call with an Error whose message is a
// JSON string {code, message, detail}. This is the one place that parses it.

const fallbackCode = 'internal'

function isAppErrorShape(v: unknown): v is { code: unknown; message?: unknown; detail?: unknown } {
  return typeof v === 'object' && v !== null && typeof (v as { code?: unknown }).code === 'string'
}

function fromShape(v: { code: unknown; message?: unknown; detail?: unknown }): AppError {
  return {
    code: String(v.code) || fallbackCode,
    message: typeof v.message === 'string' ? v.message : '',
    detail: typeof v.detail === 'string' ? v.detail : '',
  }
}

function fromText(text: string): AppError {
  const trimmed = text.trim()
  if (trimmed.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(trimmed)
      if (isAppErrorShape(parsed)) return fromShape(parsed)
    } catch {
      // not JSON: fall through and keep the raw text
    }
  }
  return { code: fallbackCode, message: text, detail: '' }
}

/** toAppError turns whatever a rejected binding call produced into an AppError. */
export function toAppError(e: unknown): AppError {
  if (isAppErrorShape(e) && !(e instanceof Error)) return fromShape(e)
  if (e instanceof Error) return fromText(e.message)
  if (typeof e === 'string') return fromText(e)
  return { code: fallbackCode, message: String(e), detail: '' }
}

/** isAppError reports whether v already has the AppError shape. */
export function isAppError(v: unknown): v is AppError {
  return isAppErrorShape(v) && typeof (v as AppError).message === 'string'
}
