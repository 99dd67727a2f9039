import type {
  AppError,
  Backup,
  BackupStatus,
  BackupType,
  JobPhase,
  JobState,
  OperationState,
  RestoreMode,
  UpgradeStatus,
} from '../api'
import { hasKey, type Lang, type MessageKey, type Translate } from '../i18n'

// Mappings from API enums to dictionary keys, so no component builds keys by hand.

const typeKeys: Record<BackupType, MessageKey> = {
  manual: 'backupType.manual',
  'pre-upgrade': 'backupType.preUpgrade',
  'pre-restore': 'backupType.preRestore',
  scheduled: 'backupType.scheduled',
}

const statusKeys: Record<BackupStatus, MessageKey> = {
  in_progress: 'backupStatus.inProgress',
  completed: 'backupStatus.completed',
  failed: 'backupStatus.failed',
  corrupt: 'backupStatus.corrupt',
}

const phaseKeys: Record<JobPhase, MessageKey> = {
  preparing: 'phase.preparing',
  stopping: 'phase.stopping',
  archiving: 'phase.archiving',
  verifying: 'phase.verifying',
  extracting: 'phase.extracting',
  swapping: 'phase.swapping',
  starting: 'phase.starting',
  health: 'phase.health',
  pulling: 'phase.pulling',
  upgrading: 'phase.upgrading',
  'rolling-back': 'phase.rollingBack',
  moving: 'phase.moving',
  done: 'phase.done',
}

const stateKeys: Record<JobState, MessageKey> = {
  running: 'jobState.running',
  succeeded: 'jobState.succeeded',
  failed: 'jobState.failed',
  canceled: 'jobState.canceled',
}

const upgradeStatusKeys: Record<UpgradeStatus, MessageKey> = {
  running: 'upgradeStatus.running',
  succeeded: 'upgradeStatus.succeeded',
  failed: 'upgradeStatus.failed',
  rolled_back: 'upgradeStatus.rolledBack',
  rollback_failed: 'upgradeStatus.rollbackFailed',
}

const upgradeStatusTones: Record<UpgradeStatus, Tone> = {
  running: 'info',
  succeeded: 'ok',
  failed: 'bad',
  rolled_back: 'warn',
  rollback_failed: 'bad',
}

const opKindKeys: Record<string, MessageKey> = {
  backup: 'opKind.backup',
  restore: 'opKind.restore',
  upgrade: 'opKind.upgrade',
  rollback: 'opKind.rollback',
  verify: 'opKind.verify',
  move: 'opKind.move',
}

const opStateKeys: Record<OperationState, MessageKey> = {
  running: 'jobState.running',
  succeeded: 'jobState.succeeded',
  failed: 'jobState.failed',
  canceled: 'jobState.canceled',
  recovered: 'opState.recovered',
}

const opStateTones: Record<OperationState, Tone> = {
  running: 'info',
  succeeded: 'ok',
  failed: 'bad',
  canceled: 'neutral',
  recovered: 'warn',
}

export type Tone = 'ok' | 'bad' | 'info' | 'warn' | 'neutral'

const modeKeys: Record<RestoreMode, { label: MessageKey; hint: MessageKey }> = {
  app: { label: 'mode.app', hint: 'mode.appHint' },
  full: { label: 'mode.full', hint: 'mode.fullHint' },
  data: { label: 'mode.data', hint: 'mode.dataHint' },
}

export const restoreModes: RestoreMode[] = ['app', 'full', 'data']

export function typeLabel(t: Translate, type: string): string {
  return type in typeKeys ? t(typeKeys[type as BackupType]) : type
}

export function statusLabel(t: Translate, status: string): string {
  return status in statusKeys ? t(statusKeys[status as BackupStatus]) : status
}

export function phaseLabel(t: Translate, phase: string): string {
  return phase in phaseKeys ? t(phaseKeys[phase as JobPhase]) : phase
}

/** dockerStateLabel names a container state (running, exited, …) in the UI's language; an unknown one as it is. */
export function dockerStateLabel(t: Translate, state: string): string {
  const key = `dockerState.${state}`
  return hasKey(key) ? t(key) : state
}

/** dockerHealthLabel names a container health status (healthy, …); an unknown one as it is. */
export function dockerHealthLabel(t: Translate, health: string): string {
  const key = `dockerHealth.${health}`
  return hasKey(key) ? t(key) : health
}

export function jobStateLabel(t: Translate, state: string): string {
  return state in stateKeys ? t(stateKeys[state as JobState]) : state
}

export function upgradeStatusLabel(t: Translate, status: string): string {
  return status in upgradeStatusKeys ? t(upgradeStatusKeys[status as UpgradeStatus]) : status
}

export function upgradeStatusTone(status: string): Tone {
  return upgradeStatusTones[status as UpgradeStatus] ?? 'neutral'
}

/** kindLabel names an operation or job kind (backup, restore, upgrade, rollback, …). */
export function kindLabel(t: Translate, kind: string): string {
  return kind in opKindKeys ? t(opKindKeys[kind]) : kind
}

export function opStateLabel(t: Translate, state: string): string {
  return state in opStateKeys ? t(opStateKeys[state as OperationState]) : state
}

export function opStateTone(state: string): Tone {
  return opStateTones[state as OperationState] ?? 'neutral'
}

export function modeLabel(t: Translate, mode: RestoreMode): string {
  return t(modeKeys[mode].label)
}

export function modeHint(t: Translate, mode: RestoreMode): string {
  return t(modeKeys[mode].hint)
}

/**
 * errorText is the line to show for an error. English shows the Go side's message, which
 * is the most specific; other languages translate by code when the code is known.
 * translated reports whether the message was replaced (so it can go to the details).
 */
export function errorText(t: Translate, lang: Lang, error: AppError): { text: string; translated: boolean } {
  const key = `errorCode.${error.code}`
  if (lang !== 'en' && hasKey(key)) return { text: t(key), translated: error.message !== '' }
  return { text: error.message || t('errorCode.internal'), translated: false }
}

/** errorHint is what the admin can do about an error, chosen by its code: a screen of the
 * window (the command line adds its own hints, commands, from the same code). */
export function errorHint(t: Translate, error: AppError): string | null {
  const key = `errorHint.${error.code}`
  return hasKey(key) ? t(key) : null
}

/** isRestorable: only a completed backup whose file exists can be restored. */
export function isRestorable(b: Backup): boolean {
  return b.status === 'completed' && b.fileExists
}

/** whyNotRestorable names the first reason a backup cannot be restored, if any. */
export function whyNotRestorable(t: Translate, b: Backup): string | null {
  if (!b.fileExists) return t('restore.reasonMissing')
  if (b.status !== 'completed') return t('restore.reasonStatus', { status: statusLabel(t, b.status) })
  return null
}
