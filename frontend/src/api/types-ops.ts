// Shapes of upgrades, rollbacks, the operations journal and the settings, as the Go
// side's JSON tags spell them (backend/upgrade, backend/store, app.go).

import type { Backup, ManifestService } from './types'

export type UpgradeStatus = 'running' | 'succeeded' | 'failed' | 'rolled_back' | 'rollback_failed'
export type UpgradeOutcome = 'succeeded' | 'failed' | 'rolled_back' | 'rollback_failed'

/** ServiceImage is what one service ran: image reference, ID and digest. */
export type ServiceImage = ManifestService

/** Upgrade is one row of the upgrade history. */
export interface Upgrade {
  id: number
  deploymentId?: number
  fromVersion: string
  toVersion: string
  status: UpgradeStatus | string
  startedAt: string
  finishedAt: string | null
  durationMs: number
  /** The pre-upgrade backup; 0 = none. */
  backupId: number
  error: string
  rollbackReason: string
  imagesBefore: ServiceImage[]
  imagesAfter: ServiceImage[]
  /** null when no rollback ran. */
  rollbackHealthy: boolean | null
}

/** ImageCheck is one image the target version needs. */
export interface ImageCheck {
  service: string
  image: string
  imageId: string
  /** Present locally before the check. */
  present: boolean
  pulled: boolean
  error?: string
}

/** Preflight is what was checked before an upgrade; no problems means it can start. */
export interface Preflight {
  from: string
  to: string
  /** The Compose CLI found, e.g. "docker-compose 1.29.2"; empty when none. */
  compose: string
  images: ImageCheck[]
  rawBytes: number
  backupBytes: number
  freeBytes: number
  problems: string[]
  warnings: string[]
}

export interface UpgradeRequest {
  to: string
  noRollback: boolean
  /** 0 lets the Go side use its default (60 s). */
  healthWindowSeconds: number
}

/** HealthReport is one container's state at the last look. */
export interface HealthReport {
  id: string
  name: string
  service: string
  state: string
  health: string
  restartCount: number
  exitCode: number
  ready: boolean
  reason: string
}

/** UpgradeResult is an upgrade job's result, also on failure. */
export interface UpgradeResult {
  upgrade: Upgrade
  preflight: Preflight
  backup: Backup | null
  /** Empty when the upgrade was refused before it began. */
  outcome: UpgradeOutcome | ''
  message: string
  health: HealthReport[]
  rollbackHealth: HealthReport[]
  warnings: string[]
}

/** RollbackPlan says what a rollback would do, before it runs. */
export interface RollbackPlan {
  upgradeId: number
  status: UpgradeStatus | string
  /** The version the rollback brings back. */
  fromVersion: string
  /** The version the upgrade installed. */
  toVersion: string
  currentVersion: string
  backupId: number
  backupName: string
  backupCreatedAt: string
  /** The upgrade's own backup is unusable; the newest completed pre-upgrade backup of fromVersion is used. */
  backupFallback: boolean
  images: ServiceImage[]
  steps: string[]
}

/** RollbackResult is a rollback job's result. */
export interface RollbackResult {
  plan: RollbackPlan
  upgrade: Upgrade
  outcome: 'rolled_back' | 'rollback_failed' | ''
  healthy: boolean
  message: string
  health: HealthReport[]
  warnings: string[]
}

export type OperationState = 'running' | 'succeeded' | 'failed' | 'canceled' | 'recovered'

/** Operation is one journal row: a mutating operation and how it ended. */
export interface Operation {
  id: number
  deploymentId?: number
  kind: 'backup' | 'restore' | 'upgrade' | 'rollback' | string
  state: OperationState | string
  step: string
  /** What recovery needs; the UI reads backupId, upgradeId, mode, from and to. */
  facts: Record<string, unknown> | null
  startedAt: string
  updatedAt: string
  finishedAt: string | null
  error: string
  pid: number
}

export interface RetentionPolicy {
  keepLast: number
  keepDays: number
}

/** Settings are what the settings screen edits; the storage directory moves only by a job. */
export interface Settings {
  dataPaths: string[]
  excludes: string[]
  versionKey: string
  storageDir: string
  retention: RetentionPolicy
}

export interface PruneResult {
  dryRun: boolean
  removed: Backup[]
  kept: Backup[]
  bytes: number
}

/** MoveResult is a storage move job's result. */
export interface MoveResult {
  from: string
  to: string
  moved: number
  bytes: number
}
