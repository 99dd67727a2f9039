import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { cancelJob, type AppError, type Job, type JobKind } from '../api'
import { connectJobs, createJobStore, useAllJobs, useJobs, type JobStore } from './jobs'

/** What the views know of the jobs of this session and may do with them. */
export interface JobsContextValue {
  /** The visible (not dismissed) jobs, oldest first. */
  jobs: readonly Job[]
  /** Every job of this session, dismissed ones too, newest first. */
  allJobs: readonly Job[]
  /** A job is running: mutating actions wait. */
  busy: boolean
  /** cancel asks the Go side to cancel a job; a refusal shows as cancelError. */
  cancel: (id: string) => void
  /** The ids whose cancel request is in flight. */
  canceling: ReadonlySet<string>
  cancelError: AppError | null
  /** dismiss hides a finished job. */
  dismiss: (id: string) => void
  /** onFinished calls listener with each job's final snapshot, once; returns the unsubscribe. */
  onFinished: (listener: (job: Job) => void) => () => void
}

/**
 * changedBy says which kinds of job may, once ended, have changed what a view shows: a
 * view refreshes its data when one of them finishes (useRefreshOnJobs).
 */
export const changedBy = {
  /** The backups list: new backups, safety copies, verified dates, moved files. */
  backups: ['backup', 'verify', 'restore', 'upgrade', 'rollback', 'move'],
  /** The header: version, services, last upgrade. */
  status: ['backup', 'restore', 'upgrade', 'rollback'],
  /** The operations history. */
  history: ['backup', 'restore', 'upgrade', 'rollback'],
  /** Whether an upgrade can be rolled back. */
  rollbackOffer: ['upgrade', 'rollback', 'restore'],
  /** The settings: the storage directory. */
  settings: ['move'],
} as const satisfies Record<string, readonly JobKind[]>

const JobsContext = createContext<JobsContextValue | null>(null)

/**
 * JobsProvider keeps the job store, follows the Go side's job:update events (subscribed
 * while mounted), cancels jobs, and tells the views when a job ends. A given store is for
 * tests.
 */
export function JobsProvider({ store: given, children }: { store?: JobStore; children: ReactNode }) {
  const [store] = useState(() => given ?? createJobStore())
  const [listeners] = useState(() => new Set<(job: Job) => void>())
  const jobs = useJobs(store)
  const allJobs = useAllJobs(store)
  const [canceling, setCanceling] = useState<ReadonlySet<string>>(new Set())
  const [cancelError, setCancelError] = useState<AppError | null>(null)

  useEffect(() => connectJobs(store, (job) => listeners.forEach((l) => l(job))), [store, listeners])

  const cancel = useCallback((id: string) => {
    setCanceling((s) => new Set(s).add(id))
    setCancelError(null)
    cancelJob(id)
      .catch((e: AppError) => setCancelError(e))
      .finally(() =>
        setCanceling((s) => {
          const next = new Set(s)
          next.delete(id)
          return next
        }),
      )
  }, [])
  const onFinished = useCallback(
    (listener: (job: Job) => void) => {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    [listeners],
  )
  const busy = jobs.some((j) => j.state === 'running')
  const value = useMemo(
    () => ({ jobs, allJobs, busy, cancel, canceling, cancelError, dismiss: store.dismiss, onFinished }),
    [jobs, allJobs, busy, cancel, canceling, cancelError, store, onFinished],
  )
  return <JobsContext.Provider value={value}>{children}</JobsContext.Provider>
}

/** useJobsContext returns the jobs of the nearest JobsProvider. */
export function useJobsContext(): JobsContextValue {
  const value = useContext(JobsContext)
  if (!value) throw new Error('useJobsContext needs a JobsProvider')
  return value
}

/**
 * useRefreshOnJobs calls refresh when a job of one of kinds finishes. With shown, a view
 * that is hidden refreshes when it is shown again instead (and every time it is shown:
 * something outside the jobs, a prune or a delete, may have changed the data).
 */
export function useRefreshOnJobs(kinds: readonly JobKind[], refresh: () => void, shown = true) {
  const { onFinished } = useJobsContext()
  const latest = useRef({ kinds, refresh, shown })
  useEffect(() => {
    latest.current = { kinds, refresh, shown }
  })
  useEffect(
    () =>
      onFinished((job) => {
        const { kinds, refresh, shown } = latest.current
        if (shown && kinds.includes(job.kind)) refresh()
      }),
    [onFinished],
  )
  const wasShown = useRef(shown)
  useEffect(() => {
    if (shown && !wasShown.current) latest.current.refresh()
    wasShown.current = shown
  }, [shown])
}
