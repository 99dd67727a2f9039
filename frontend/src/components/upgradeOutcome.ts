import type { AppError, HealthReport, Job, RollbackResult, Upgrade, UpgradeResult } from '../api'

// What an upgrade or rollback came to, in one shape for the result panel, built either
// from a finished job (this session) or from the newest upgrade row (any session).

export type Verdict =
  | 'upgraded'
  | 'rolledBack'
  | 'rollbackFailed'
  | 'failedInPlace'
  | 'failedUnchanged'
  | 'notStarted'
  | 'canceled'
  | 'running'
  | 'rollbackDone'
  | 'rollbackNotStarted'

export type OutcomeTone = 'ok' | 'warn' | 'bad' | 'alert' | 'info'

export interface Outcome {
  verdict: Verdict
  tone: OutcomeTone
  from: string
  to: string
  /** 0 when unknown (e.g. refused before it was recorded). */
  upgradeId: number
  backupId: number
  /** The Go side's own sentence about what happened, or ''. */
  message: string
  /** Why the upgrade was rolled back, or ''. */
  reason: string
  error: AppError | null
  /** Containers that were not ready at the last look that decided the outcome. */
  unhealthy: HealthReport[]
  startedAt: string
  finishedAt: string | null
  jobId: string | null
}

const notReady = (r: readonly HealthReport[] | null | undefined) => (r ?? []).filter((h) => !h.ready)
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null

// Go's own wording when a failure left something to do by hand.
const needsAttention = (text: string) => /needs attention/i.test(text)

function failedVerdict(to: string, current: string, rollbackHealthy: boolean | null): Verdict {
  return current !== '' && current === to && rollbackHealthy === null ? 'failedInPlace' : 'failedUnchanged'
}

function toneOf(v: Verdict, message: string): OutcomeTone {
  switch (v) {
    case 'upgraded':
    case 'rollbackDone':
      return 'ok'
    case 'rolledBack':
    case 'canceled':
      return 'warn'
    case 'rollbackFailed':
      return 'alert'
    case 'running':
      return 'info'
    default:
      return needsAttention(message) ? 'alert' : 'bad'
  }
}

/** describeUpgrade turns an upgrade row into an Outcome; currentVersion is what .env says now. */
export function describeUpgrade(up: Upgrade, currentVersion: string): Outcome {
  const verdicts: Record<string, Verdict> = {
    running: 'running',
    succeeded: 'upgraded',
    rolled_back: 'rolledBack',
    rollback_failed: 'rollbackFailed',
  }
  const verdict = verdicts[up.status] ?? failedVerdict(up.toVersion, currentVersion, up.rollbackHealthy)
  return {
    verdict,
    tone: toneOf(verdict, up.error),
    from: up.fromVersion,
    to: up.toVersion,
    upgradeId: up.id,
    backupId: up.backupId,
    message: up.error,
    reason: up.rollbackReason,
    error: null,
    unhealthy: [],
    startedAt: up.startedAt,
    finishedAt: up.finishedAt,
    jobId: null,
  }
}

function fromUpgradeJob(job: Job, currentVersion: string): Outcome {
  const res = isObject(job.result) ? (job.result as unknown as UpgradeResult) : null
  const up = res?.upgrade
  const from = up?.fromVersion || res?.preflight?.from || ''
  const to = up?.toVersion || res?.preflight?.to || ''
  const message = res?.message || job.error?.message || job.message || ''
  let verdict: Verdict
  let unhealthy: HealthReport[] = []
  if (job.state === 'succeeded') verdict = 'upgraded'
  else if (job.state === 'canceled') verdict = 'canceled'
  else if (res?.outcome === 'rolled_back') {
    verdict = 'rolledBack'
    unhealthy = notReady(res.health)
  } else if (res?.outcome === 'rollback_failed') {
    verdict = 'rollbackFailed'
    unhealthy = notReady(res.rollbackHealth)
  } else if (res?.outcome === 'failed') {
    verdict = failedVerdict(to, currentVersion, up?.rollbackHealthy ?? null)
    unhealthy = notReady(res.health)
  } else verdict = 'notStarted'
  return {
    verdict,
    tone: toneOf(verdict, message),
    from,
    to,
    upgradeId: up?.id ?? 0,
    backupId: up?.backupId ?? res?.backup?.id ?? 0,
    message,
    reason: up?.rollbackReason ?? '',
    error: job.error,
    unhealthy,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    jobId: job.id,
  }
}

function fromRollbackJob(job: Job): Outcome {
  const res = isObject(job.result) ? (job.result as unknown as RollbackResult) : null
  const plan = res?.plan
  const message = res?.message || job.error?.message || job.message || ''
  let verdict: Verdict = 'rollbackNotStarted'
  if (job.state === 'succeeded') verdict = 'rollbackDone'
  else if (res?.outcome === 'rollback_failed') verdict = 'rollbackFailed'
  else if (res?.outcome === 'rolled_back') verdict = 'rollbackDone'
  return {
    verdict,
    tone: toneOf(verdict, message),
    from: plan?.fromVersion ?? '',
    to: plan?.toVersion ?? '',
    upgradeId: plan?.upgradeId ?? 0,
    backupId: plan?.backupId ?? 0,
    message,
    reason: res?.upgrade?.rollbackReason ?? '',
    error: job.error,
    unhealthy: notReady(res?.health),
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    jobId: job.id,
  }
}

/** describeJob turns a finished upgrade or rollback job into an Outcome. */
export function describeJob(job: Job, currentVersion: string): Outcome {
  return job.kind === 'rollback' ? fromRollbackJob(job) : fromUpgradeJob(job, currentVersion)
}
