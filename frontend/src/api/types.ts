// Shapes of the values the Go side returns. They mirror the JSON tags of the bound
// methods' DTOs; wailsjs/go/models.ts is the generated twin and only src/api sees it.

import type { Upgrade } from './types-ops'

export type BackupType = 'manual' | 'pre-upgrade' | 'pre-restore' | 'scheduled'
export type BackupStatus = 'in_progress' | 'completed' | 'failed' | 'corrupt'
export type Compression = 'gzip' | 'zstd'
export type RestoreMode = 'full' | 'app' | 'data'

export interface AppError {
  code: string
  message: string
  detail: string
}

export interface Deployment {
  id: number
  name: string
  path: string
  dataPaths: string[]
  excludes: string[]
  versionKey: string
  storageDir: string
  composeProject: string
}

export interface Service {
  service: string
  name: string
  state: string
  health: string
  running: boolean
}

export interface Status {
  deployment: Deployment | null
  version: string
  docker: { reachable: boolean; error: string }
  services: Service[]
  lastUpgrade: Upgrade | null
  /** What start-up recovery did (finished or undid interrupted operations). */
  recovery: string[]
}

export interface Backup {
  id: number
  name: string
  type: BackupType
  status: BackupStatus
  version: string
  path: string
  size: number
  fileCount: number
  sha256: string
  compression: Compression
  createdAt: string
  fileExists: boolean
  verifiedAt: string | null
  description: string
  error: string
  /** What the backup completed with (a file changed while read, a special file skipped): not a clean copy. Never null. */
  warnings: string[]
}

export interface ManifestService {
  service: string
  image: string
  imageId: string
  repoDigest: string
}

export interface Manifest {
  formatVersion: number
  deployment: string
  project: string
  type: string
  version: string
  createdAt: string
  description: string
  paths: string[]
  excludes: string[]
  dataPaths: string[]
  compression: string
  totals: { entries: number; files: number; bytes: number }
  services: ManifestService[]
  sparse?: { path: string; holes: number }[] // files with holes, restored with them
}

export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink'

export interface Entry {
  path: string
  type: EntryType
  size: number
  mode: number
  mtime: string
  uid: number
  gid: number
  link?: string
  sha256?: string
}

export interface BreakdownRow {
  path: string
  bytes: number
  files: number
}

export interface BackupDetails {
  backup: Backup
  manifest: Manifest
  breakdown: BreakdownRow[]
  entries: Entry[]
  entriesTotal: number
}

export interface BackupRequest {
  type: BackupType
  /** Overrides the version read from .env; empty means read it. */
  version?: string
  description: string
  stopServices: boolean
  compression: Compression
}

export interface Amount {
  files: number
  bytes: number
}

export interface RestorePlan {
  backupId: number
  mode: RestoreMode
  replaced: Amount
  added: Amount
  removed: Amount
  lost: Amount
  containers: string[]
  discardsData: boolean
  deploymentName: string
  /** Paths that will be swapped: top-level entries, or the entries beside a kept mount point. */
  targets: string[]
  /** Set when Docker could not be asked which containers run. */
  dockerError?: string
  /** Free space the staging copy needs. */
  needBytes?: number
  version?: string
  backupName?: string
  /** Live FIFOs, sockets and devices: never archived, left in place. */
  kept?: string[]
  /** Hard links this mode restores whose other name it does not: put back as separate copies. */
  separated?: HardLink[]
  /** Mount points inside the swapped entries: in paths the restore keeps, left where they are. */
  mounts?: string[]
}

export interface HardLink {
  /** The name the restore puts back. */
  path: string
  /** The other name, outside the mode, left as it is. */
  link: string
}

export type JobState = 'running' | 'succeeded' | 'failed' | 'canceled'
export type JobPhase =
  | 'preparing'
  | 'stopping'
  | 'archiving'
  | 'verifying'
  | 'extracting'
  | 'swapping'
  | 'starting'
  | 'health'
  | 'pulling'
  | 'upgrading'
  | 'rolling-back'
  | 'moving'
  | 'done'

/** The kinds of job the Go side runs. */
export type JobKind = 'backup' | 'verify' | 'restore' | 'upgrade' | 'rollback' | 'move'

export interface Job {
  id: string
  kind: JobKind
  title: string
  state: JobState
  phase: JobPhase | string
  bytesDone: number
  bytesTotal: number
  filesDone: number
  filesTotal: number
  rate: number
  etaSeconds: number
  seq: number
  startedAt: string
  finishedAt: string | null
  /** Cancel is offered; false from the operation's commit point on. */
  cancellable: boolean
  /** Past its commit point: it runs to its end (or its undo) whatever is asked. */
  committed: boolean
  message: string
  error: AppError | null
  result: unknown
  /** Lines the job logged (warnings, steps), oldest first. */
  log: string[]
}
