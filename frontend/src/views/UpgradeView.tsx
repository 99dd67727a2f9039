import { useRef, useState, type FormEvent } from 'react'
import { checkUpgrade, planRollback, startUpgrade, type AppError, type Status } from '../api'
import { ErrorBox } from '../components/ErrorBox'
import { PreflightSummary } from '../components/PreflightSummary'
import { RollbackDialog } from '../components/RollbackDialog'
import { UpgradeOutcome } from '../components/UpgradeOutcome'
import { describeJob, describeUpgrade } from '../components/upgradeOutcome'
import { UpgradeProgress } from '../components/UpgradeProgress'
import { useLoad } from '../hooks/useLoad'
import { useI18n, type Vars } from '../i18n'
import { changedBy, useJobsContext, useRefreshOnJobs } from '../stores/JobsProvider'

export interface UpgradeViewProps {
  status: Status | null
}

const defaultWindow = 60
const minWindow = 5
const maxWindow = 3600

/** parseWindow reads the health window field: whole seconds in [5, 3600], else null. */
export function parseWindow(text: string): number | null {
  if (!/^\d+$/.test(text.trim())) return null
  const n = Number(text)
  return n >= minWindow && n <= maxWindow ? n : null
}

/**
 * UpgradeView: check a target version, upgrade with a pre-upgrade backup and a watched
 * health window, follow it live, and see (and undo) how it ended.
 */
export function UpgradeView({ status }: UpgradeViewProps) {
  const { t } = useI18n()
  const { jobs, allJobs, busy, cancel, canceling, dismiss: dismissJob } = useJobsContext()
  const [target, setTarget] = useState('')
  const [windowText, setWindowText] = useState(String(defaultWindow))
  const [autoRollback, setAutoRollback] = useState(true)
  // The version the admin asked to check; null: no check to show.
  const [checked, setChecked] = useState<string | null>(null)
  const check = useLoad(checked === null ? null : () => checkUpgrade(checked), [checked])
  const [starting, setStarting] = useState(false)
  const [startError, setStartError] = useState<AppError | null>(null)
  const [confirmId, setConfirmId] = useState<number | null>(null)
  const [hiddenUpgrade, setHiddenUpgrade] = useState<number | null>(null)
  const windows = useRef(new Map<string, number>())

  const current = status?.version ?? ''
  // Only the newest upgrade or rollback of this session counts; once dismissed it is gone.
  const newest = allJobs.find((j) => j.kind === 'upgrade' || j.kind === 'rollback') ?? null
  const job = newest && jobs.some((j) => j.id === newest.id) ? newest : null
  const running = newest?.state === 'running' ? newest : null

  // Whether a rollback is possible is the Go side's call (PlanRollback(0) picks the newest
  // upgrade still in effect); ask again when a job that may change it ends, or the last
  // upgrade changes. An error means no offer.
  const offer = useLoad(() => planRollback(0), [status?.lastUpgrade?.id, status?.lastUpgrade?.status], { keep: true })
  useRefreshOnJobs(changedBy.rollbackOffer, offer.refresh)

  const windowSeconds = parseWindow(windowText)
  const wanted = target.trim()
  const preflight = check.state === 'ready' ? check.data : null
  const fresh = preflight !== null && preflight.to === wanted
  const canUpgrade =
    preflight !== null && fresh && preflight.problems.length === 0 && windowSeconds !== null && !busy && !starting && !!status?.deployment

  const runCheck = (e: FormEvent) => {
    e.preventDefault()
    if (!wanted) return
    setStartError(null)
    if (checked === wanted) check.reload()
    else setChecked(wanted)
  }

  const upgrade = async () => {
    if (!canUpgrade || windowSeconds === null) return
    setStarting(true)
    setStartError(null)
    try {
      const id = await startUpgrade({ to: wanted, noRollback: !autoRollback, healthWindowSeconds: windowSeconds })
      windows.current.set(id, windowSeconds)
      setChecked(null)
    } catch (e) {
      setStartError(e as AppError)
    } finally {
      setStarting(false)
    }
  }

  let hint = ''
  if (!status?.deployment) hint = t('upgrade.hintNoDeployment')
  else if (busy) hint = t('upgrade.hintBusy')
  else if (!preflight || !fresh) hint = t('upgrade.hintCheck')
  else if (preflight.problems.length > 0) hint = t('upgrade.hintProblems')
  else if (windowSeconds === null) hint = t('upgrade.hintWindow')

  // This session's last upgrade or rollback job, else the newest upgrade of the history,
  // until dismissed.
  const last = status?.lastUpgrade ?? null
  const outcome =
    job && !running ? describeJob(job, current) : !newest && last && last.id !== hiddenUpgrade ? describeUpgrade(last, current) : null
  const dismiss = () => {
    if (job) dismissJob(job.id)
    setHiddenUpgrade(last?.id ?? null)
  }
  const plan = offer.state === 'ready' && !running ? offer.data : null
  const retry = plan?.status === 'rollback_failed'
  const offerVars: Vars = plan ? { id: plan.upgradeId, from: plan.fromVersion || t('common.unknown'), to: plan.toVersion } : {}
  const offerButton = plan && (
    <div className={`rollback-offer ${plan.status === 'succeeded' ? '' : 'urgent'}`}>
      <p>{t(retry ? 'rollback.offerRetry' : 'rollback.offer', offerVars)}</p>
      <button type="button" className="button danger" disabled={busy} onClick={() => setConfirmId(plan.upgradeId)}>
        {t(retry ? 'rollback.retry' : 'rollback.button', offerVars)}
      </button>
    </div>
  )
  const offerInside = plan !== null && outcome !== null && plan.upgradeId === outcome.upgradeId

  return (
    <div className="view upgrade-view">
      {running && (
        <UpgradeProgress
          key={running.id}
          job={running}
          healthWindowSeconds={windows.current.get(running.id) ?? null}
          onCancel={cancel}
          canceling={canceling.has(running.id)}
        />
      )}
      {outcome && (
        <UpgradeOutcome
          outcome={outcome}
          fromHistory={!job}
          action={offerInside ? offerButton : undefined}
          onDismiss={dismiss}
        />
      )}
      {plan && !offerInside && <section className="panel" aria-label={t('rollback.offerLabel')}>{offerButton}</section>}

      <section className="panel" aria-labelledby="upgrade-heading">
        <h2 id="upgrade-heading" className="panel-title">
          {t('upgrade.title')}
        </h2>
        <form className="upgrade-form" onSubmit={runCheck}>
          <div className="field">
            <span className="field-label">{t('upgrade.current')}</span>
            <span className="field-value">{current || t('common.unknown')}</span>
          </div>
          <label className="field">
            <span className="field-label">{t('upgrade.target')}</span>
            <input
              value={target}
              onChange={(e) => setTarget(e.target.value)}
              placeholder={t('upgrade.targetPlaceholder')}
              disabled={!!running}
              spellCheck={false}
              autoComplete="off"
            />
          </label>
          <button type="submit" className="button" disabled={!wanted || check.state === 'loading' || !!running}>
            {check.state === 'loading' ? t('upgrade.checking') : t('upgrade.check')}
          </button>
        </form>
        {check.state === 'loading' && (
          <p role="status" className="muted">
            {t('upgrade.checkingHint', { to: wanted })}
          </p>
        )}
        {check.state === 'error' && <ErrorBox title={t('upgrade.checkFailed')} error={check.error} />}
        {preflight && <PreflightSummary preflight={preflight} />}
        {preflight && !fresh && <p className="warn-text">{t('upgrade.stale', { to: preflight.to })}</p>}

        <fieldset className="upgrade-options" disabled={!!running}>
          <legend>{t('upgrade.options')}</legend>
          <div className="field">
            <label htmlFor="health-window" className="field-label">
              {t('upgrade.window')}
            </label>
            <input
              id="health-window"
              type="number"
              inputMode="numeric"
              min={minWindow}
              max={maxWindow}
              value={windowText}
              onChange={(e) => setWindowText(e.target.value)}
              aria-invalid={windowSeconds === null}
              aria-describedby="window-hint"
              className="narrow"
            />
            <span id="window-hint" className={windowSeconds === null ? 'field-error' : 'muted'}>
              {windowSeconds === null ? t('upgrade.windowInvalid', { min: minWindow, max: maxWindow }) : t('upgrade.windowHint')}
            </span>
          </div>
          <label className="check">
            <input type="checkbox" checked={autoRollback} onChange={(e) => setAutoRollback(e.target.checked)} />
            <span>{t('upgrade.autoRollback')}</span>
          </label>
          {!autoRollback && <p className="warn-text">{t('upgrade.noRollbackWarning')}</p>}
        </fieldset>
        <div className="form-actions">
          <button type="button" className="button primary" disabled={!canUpgrade} onClick={upgrade} aria-describedby="upgrade-hint">
            {starting ? t('upgrade.starting') : wanted ? t('upgrade.start', { to: wanted }) : t('upgrade.startShort')}
          </button>
          <span id="upgrade-hint" className="footer-hint" aria-live="polite">
            {canUpgrade ? t('upgrade.hintReady') : hint}
          </span>
        </div>
        {startError && <ErrorBox title={t('upgrade.startFailed')} error={startError} />}
      </section>
      {confirmId !== null && <RollbackDialog upgradeId={confirmId} onCancel={() => setConfirmId(null)} onStarted={() => setConfirmId(null)} />}
    </div>
  )
}
