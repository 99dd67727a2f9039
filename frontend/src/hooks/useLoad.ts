import { useCallback, useEffect, useMemo, useRef, useState, type DependencyList } from 'react'
import type { AppError } from '../api'

/**
 * Load is what a view knows of data it asks the Go side for. `idle`: there is nothing
 * to ask yet (no fetcher). `error` keeps the data shown before a quiet refresh failed,
 * if any; a view may keep showing it next to the error.
 */
export type Load<T> =
  | { state: 'idle'; data: undefined; error: null }
  | { state: 'loading'; data: undefined; error: null }
  | { state: 'error'; data: T | undefined; error: AppError }
  | { state: 'ready'; data: T; error: null }

export type Loaded<T> = Load<T> & {
  /** reload asks again and shows `loading` meanwhile: Retry, Refresh. */
  reload: () => void
  /** refresh asks again quietly: what is shown stays until the answer (a job ended). */
  refresh: () => void
  /** set shows data the caller already has (what a save returned) and drops answers in flight. */
  set: (data: T) => void
}

export interface LoadOptions {
  /**
   * keep: a change of deps refreshes quietly instead of showing `loading`. For deps
   * that say when to ask again, not what to ask.
   */
  keep?: boolean
}

const idle: Load<never> = { state: 'idle', data: undefined, error: null }
const loading: Load<never> = { state: 'loading', data: undefined, error: null }

/**
 * useLoad runs fetcher when the component mounts and whenever deps change, and returns
 * the state of the newest request: an answer to an older request (deps changed, a
 * reload, unmounted) is dropped. A null fetcher means nothing to load (`idle`).
 *
 *   const backups = useLoad(listBackups, [])
 *   if (backups.state === 'error') return <ErrorBox error={backups.error} onRetry={backups.reload} />
 */
export function useLoad<T>(fetcher: (() => Promise<T>) | null, deps: DependencyList, options: LoadOptions = {}): Loaded<T> {
  const [load, setLoad] = useState<Load<T>>(fetcher ? loading : idle)
  const latest = useRef(fetcher)
  const seq = useRef(0)
  const started = useRef(false)

  const run = useCallback((show: boolean) => {
    const fetch = latest.current
    const n = ++seq.current
    if (!fetch) {
      setLoad(idle)
      return
    }
    if (show) setLoad(loading)
    fetch().then(
      (data) => {
        if (seq.current === n) setLoad({ state: 'ready', data, error: null })
      },
      (error: AppError) => {
        if (seq.current === n) setLoad((prev) => ({ state: 'error', data: prev.data, error }))
      },
    )
  }, [])

  // Effects run in order: the fetcher of this render is in place before the load below.
  useEffect(() => {
    latest.current = fetcher
  })
  const keep = options.keep ?? false
  useEffect(() => {
    run(!(keep && started.current))
    started.current = true
    return () => {
      seq.current++ // these deps are gone: drop their answer
    }
  }, deps) // the caller's deps decide when to ask again, as with useEffect

  const reload = useCallback(() => run(true), [run])
  const refresh = useCallback(() => run(false), [run])
  const set = useCallback((data: T) => {
    seq.current++
    setLoad({ state: 'ready', data, error: null })
  }, [])
  return useMemo(() => ({ ...load, reload, refresh, set }), [load, reload, refresh, set])
}
