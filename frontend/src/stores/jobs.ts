import { useSyncExternalStore } from 'react'
import { listJobs, onJobUpdate, type Job } from '../api'

// The jobs store keeps the newest snapshot of each job. Events can arrive out of order
// (and ListJobs can race with them), so a snapshot only replaces one with a lower seq.

export interface JobStore {
  /** apply stores a snapshot unless a newer one (higher seq) is already known. */
  apply: (job: Job) => boolean
  /** applyAll applies a ListJobs() result. */
  applyAll: (jobs: Job[]) => void
  /** dismiss hides a finished job; running jobs cannot be dismissed. */
  dismiss: (id: string) => void
  /** jobs returns the snapshots, oldest start first; the array changes only on change. */
  jobs: () => readonly Job[]
  /** all returns every snapshot, dismissed ones too (the activity log), newest start first. */
  all: () => readonly Job[]
  get: (id: string) => Job | undefined
  subscribe: (listener: () => void) => () => void
}

function byStart(a: Job, b: Job): number {
  return a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.id.localeCompare(b.id)
}

export function createJobStore(): JobStore {
  const byId = new Map<string, Job>()
  const dismissed = new Set<string>()
  const listeners = new Set<() => void>()
  let list: readonly Job[] = []
  let everything: readonly Job[] = []

  const publish = () => {
    list = [...byId.values()].filter((j) => !dismissed.has(j.id)).sort(byStart)
    everything = [...byId.values()].sort(byStart).reverse()
    listeners.forEach((l) => l())
  }

  const store: JobStore = {
    apply(job) {
      const known = byId.get(job.id)
      if (known && known.seq >= job.seq) return false
      byId.set(job.id, job)
      publish()
      return true
    },
    applyAll(jobs) {
      let changed = false
      for (const job of jobs) {
        const known = byId.get(job.id)
        if (known && known.seq >= job.seq) continue
        byId.set(job.id, job)
        changed = true
      }
      if (changed) publish()
    },
    dismiss(id) {
      const job = byId.get(id)
      if (!job || job.state === 'running' || dismissed.has(id)) return
      dismissed.add(id)
      publish()
    },
    jobs: () => list,
    all: () => everything,
    get: (id) => byId.get(id),
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
  return store
}

/**
 * connectJobs subscribes to job:update first and then catches up with ListJobs, so no
 * snapshot emitted in between is lost. onFinal runs once per job when its final
 * snapshot (state other than running) is first seen; jobs that had already finished
 * before the subscription are stored dismissed. Returns the unsubscribe function.
 */
export function connectJobs(store: JobStore, onFinal?: (job: Job) => void): () => void {
  let active = true
  const notified = new Set<string>()
  const take = (job: Job) => {
    if (!store.apply(job)) return
    if (job.state !== 'running' && !notified.has(job.id)) {
      notified.add(job.id)
      onFinal?.(job)
    }
  }
  const off = onJobUpdate((job) => {
    if (active) take(job)
  })
  listJobs()
    .then((jobs) => {
      if (!active) return
      for (const job of jobs) {
        if (job.state !== 'running' && !store.get(job.id)) {
          // Finished before we subscribed: history, not news. Keep it, but out of sight.
          notified.add(job.id)
          store.apply(job)
          store.dismiss(job.id)
          continue
        }
        take(job)
      }
    })
    .catch(() => {
      // Catch-up is best effort; live events still arrive.
    })
  return () => {
    active = false
    off()
  }
}

/** useJobs renders the store's current snapshots. */
export function useJobs(store: JobStore): readonly Job[] {
  return useSyncExternalStore(store.subscribe, store.jobs, store.jobs)
}

/** useAllJobs renders every snapshot, dismissed ones too, newest start first. */
export function useAllJobs(store: JobStore): readonly Job[] {
  return useSyncExternalStore(store.subscribe, store.all, store.all)
}
