import * as App from '../../wailsjs/go/main/App'
import { EventsOn } from '../../wailsjs/runtime/runtime'
import { arr, call } from './call'
import { normUpgrade } from './upgrades'
import type {
  Backup,
  BackupDetails,
  BackupRequest,
  Job,
  RestoreMode,
  RestorePlan,
  Status,
} from './types'

// Typed wrappers over the generated bindings. Every wrapper rejects with an AppError,
// never with the raw bridge error, so components handle one error shape. Results are
// cast through unknown to src/api/types: the generated model names depend on the Go
// packages, the JSON shapes do not (the Go side pins them with golden tests).

function normStatus(s: Status): Status {
  return {
    ...s,
    deployment: s.deployment ?? null,
    lastUpgrade: s.lastUpgrade ? normUpgrade(s.lastUpgrade) : null,
    services: arr(s.services),
    recovery: arr(s.recovery),
  }
}

const normBackup = (b: Backup): Backup => ({ ...b, warnings: arr(b.warnings) })

function normDetails(d: BackupDetails): BackupDetails {
  const m = d.manifest
  return {
    ...d,
    backup: normBackup(d.backup),
    manifest: {
      ...m,
      paths: arr(m?.paths),
      excludes: arr(m?.excludes),
      dataPaths: arr(m?.dataPaths),
      services: arr(m?.services),
      totals: m?.totals ?? { entries: 0, files: 0, bytes: 0 },
    },
    breakdown: arr(d.breakdown),
    entries: arr(d.entries),
    entriesTotal: d.entriesTotal ?? arr(d.entries).length,
  }
}

export const getStatus = () => call<Status>(async () => normStatus((await App.GetStatus()) as unknown as Status))
export const listBackups = () => call<Backup[]>(async () => arr((await App.ListBackups()) as unknown as Backup[]).map(normBackup))
export const getBackup = (id: number) =>
  call<BackupDetails>(async () => normDetails((await App.GetBackup(id)) as unknown as BackupDetails))
// version: '' lets the Go side read the running version from .env.
export const startBackup = (req: BackupRequest) => call<string>(() => App.StartBackup({ version: '', ...req }))
export const startVerify = (id: number) => call<string>(() => App.StartVerify(id))
export const deleteBackup = (id: number) => call<void>(() => App.DeleteBackup(id))
export const planRestore = (id: number, mode: RestoreMode) =>
  call<RestorePlan>(async () => {
    const p = (await App.PlanRestore(id, mode)) as unknown as RestorePlan
    return { ...p, containers: arr(p.containers), targets: arr(p.targets) }
  })
export const startRestore = (id: number, mode: RestoreMode, confirmation: string) =>
  call<string>(() => App.StartRestore(id, mode, confirmation))
const normJob = (j: Job): Job => ({ ...j, log: arr(j.log), error: j.error ?? null, finishedAt: j.finishedAt ?? null })

export const listJobs = () => call<Job[]>(async () => arr((await App.ListJobs()) as unknown as Job[]).map(normJob))
export const cancelJob = (id: string) => call<void>(() => App.CancelJob(id))

/** The event that carries a full Job snapshot; declared once. */
export const jobUpdateEvent = 'job:update'

/**
 * onJobUpdate subscribes to job snapshots and returns the function that removes exactly
 * this listener. Never use EventsOff: it drops every listener for the event.
 */
export function onJobUpdate(handler: (job: Job) => void): () => void {
  const off = EventsOn(jobUpdateEvent, (job: Job) => handler(normJob(job)))
  return typeof off === 'function' ? off : () => {}
}
