import { useEffect, useRef, useState } from 'react'
import type { Job } from '../api'
import { formatDuration, formatRate, formatSize } from '../format'
import { useI18n, type MessageKey } from '../i18n'
import { phaseLabel } from './labels'

export interface UpgradeProgressProps {
  job: Job
  /** The health window this session asked for, when known: drives the countdown. */
  healthWindowSeconds: number | null
  onCancel: (id: string) => void
  canceling: boolean
}

const steps: { key: MessageKey; phases: readonly string[] }[] = [
  { key: 'upgradeStep.check', phases: ['preparing', 'pulling'] },
  { key: 'upgradeStep.stop', phases: ['stopping'] },
  { key: 'upgradeStep.backup', phases: ['archiving', 'verifying'] },
  { key: 'upgradeStep.switch', phases: ['upgrading', 'starting'] },
  { key: 'upgradeStep.health', phases: ['health'] },
]
const rollbackStep = steps.length

/**
 * UpgradeProgress shows a running upgrade or rollback: the steps (an upgrade never goes
 * back a step: "pinning images" after the backup stays on the backup step), the bytes of
 * the pre-upgrade backup, and the health window counting down.
 */
export function UpgradeProgress({ job, healthWindowSeconds, onCancel, canceling }: UpgradeProgressProps) {
  const { t } = useI18n()
  const unknown = t('common.unknown')
  const isRollback = job.kind === 'rollback'
  const reached = useRef(0)
  const rollingBack = useRef(false)
  const healthStart = useRef<number | null>(null)
  const [now, setNow] = useState(() => Date.now())

  if (job.phase === 'rolling-back') rollingBack.current = true
  const index = steps.findIndex((s) => s.phases.includes(job.phase))
  if (rollingBack.current) reached.current = rollbackStep
  else if (index > reached.current) reached.current = index
  const inWindow = job.phase === 'health' && !rollingBack.current && !isRollback
  if (inWindow && healthStart.current === null) healthStart.current = Date.now()

  useEffect(() => {
    if (!inWindow) return
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [inWindow])

  const windowSecs = inWindow && healthWindowSeconds ? healthWindowSeconds : null
  const elapsed = windowSecs && healthStart.current !== null ? Math.max(0, (now - healthStart.current) / 1000) : 0
  const left = windowSecs ? Math.max(0, Math.ceil(windowSecs - elapsed)) : null
  const bytesPct = job.bytesTotal > 0 ? Math.min(100, Math.floor((job.bytesDone / job.bytesTotal) * 100)) : null
  const pct = windowSecs ? Math.min(100, Math.floor((elapsed / windowSecs) * 100)) : bytesPct
  const shown = [...steps.map((s) => t(s.key)), ...(rollingBack.current ? [t('upgradeStep.rollback')] : [])]
  const title = job.title || job.kind

  return (
    <section className="panel upgrade-progress" aria-labelledby={`job-${job.id}`}>
      <div className="job-head">
        <h2 id={`job-${job.id}`} className="job-title">
          {title}
        </h2>
        <span className="badge badge-info">{phaseLabel(t, job.phase)}</span>
        <div className="job-buttons">
          {job.cancellable && (
            <button
              type="button"
              className="small-button"
              disabled={canceling}
              aria-label={t('progress.cancelJob', { title })}
              onClick={() => onCancel(job.id)}
            >
              {canceling ? t('progress.canceling') : t('common.cancel')}
            </button>
          )}
          {job.committed && <span className="muted">{t('progress.committed')}</span>}
        </div>
      </div>
      {!isRollback && (
        <ol className="steps" aria-label={t('upgrade.steps')}>
          {shown.map((label, i) => {
            const state = i < reached.current ? 'done' : i === reached.current ? 'current' : 'todo'
            return (
              <li key={label} className={`step step-${state} ${i === rollbackStep ? 'step-rollback' : ''}`} aria-current={state === 'current' ? 'step' : undefined}>
                <span className="step-dot" aria-hidden="true" />
                <span>{label}</span>
                {state === 'done' && <span className="visually-hidden"> ({t('upgradeStep.done')})</span>}
              </li>
            )
          })}
        </ol>
      )}
      <div
        className="progress-track"
        role="progressbar"
        aria-labelledby={`job-${job.id}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct ?? undefined}
        aria-valuetext={pct === null ? phaseLabel(t, job.phase) : undefined}
      >
        <span className={`progress-fill ${pct === null ? 'indeterminate' : ''}`} style={{ width: `${pct ?? 100}%` }} />
      </div>
      <p className="upgrade-stats">
        {windowSecs !== null && left !== null ? (
          <span className="countdown">{t('upgrade.healthLeft', { left: formatDuration(left, unknown), window: formatDuration(windowSecs, unknown) })}</span>
        ) : bytesPct !== null ? (
          <span>
            {t('upgrade.bytes', {
              done: formatSize(job.bytesDone, unknown),
              total: formatSize(job.bytesTotal, unknown),
              rate: formatRate(job.rate, unknown),
              eta: formatDuration(job.etaSeconds, unknown),
            })}
          </span>
        ) : (
          <span className="muted">{rollingBack.current ? t('upgrade.rollingBackHint') : '\u00a0'}</span>
        )}
      </p>
      <p className="job-message" aria-live="polite">
        {job.message}
      </p>
    </section>
  )
}
