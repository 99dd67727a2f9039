import { toAppError } from './errors'

// Shared plumbing of the typed wrappers: one rejection shape and non-null slices.

/** call runs a binding and rejects with an AppError, never with the raw bridge error. */
export async function call<T>(run: () => Promise<unknown>): Promise<T> {
  try {
    return (await run()) as T
  } catch (e) {
    throw toAppError(e)
  }
}

/** arr turns the null Go sends for a nil slice into an array. */
export const arr = <T>(v: readonly T[] | null | undefined): T[] => (v ? [...v] : [])
