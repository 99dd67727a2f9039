import { useRef, useState } from 'react'
import { planRollback, startRollback, type AppError } from '../api'
import { shortHash } from '../format'
import { useLoad } from '../hooks/useLoad'
import { useI18n } from '../i18n'
import { DateText } from './DateText'
import { Dialog } from './Dialog'
import { ErrorBox } from './ErrorBox'
import { upgradeStatusLabel } from './labels'

export interface RollbackDialogProps {
  upgradeId: number
  onCancel: () => void
  onStarted: (jobId: string) => void
}

/**
 * RollbackDialog is the one confirmation of a one-click rollback: it asks the Go side for
 * the plan (which upgrade, which versions, which backup, and whether that backup is a
 * fallback) and starts exactly that rollback. Cancel has the focus first.
 */
export function RollbackDialog({ upgradeId, onCancel, onStarted }: RollbackDialogProps) {
  const { t } = useI18n()
  const unknown = t('common.unknown')
  const cancelRef = useRef<HTMLButtonElement>(null)
  const load = useLoad(() => planRollback(upgradeId), [upgradeId])
  const [starting, setStarting] = useState(false)
  const [startError, setStartError] = useState<AppError | null>(null)

  const plan = load.state === 'ready' ? load.data : null
  const confirm = async () => {
    if (!plan) return
    setStarting(true)
    setStartError(null)
    try {
      onStarted(await startRollback(plan.upgradeId))
    } catch (e) {
      setStartError(e as AppError)
      setStarting(false)
    }
  }

  return (
    <Dialog
      role="alertdialog"
      title={plan ? t('rollback.title', { id: plan.upgradeId }) : t('rollback.titleLoading')}
      closeLabel={t('common.close')}
      onCancel={onCancel}
      initialFocus={cancelRef}
      describedBy="rollback-description"
      className="rollback-dialog"
      footer={
        <>
          <button ref={cancelRef} type="button" className="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
          <button type="button" className="button danger" disabled={!plan || starting} onClick={confirm}>
            {starting ? t('rollback.starting') : plan ? t('rollback.confirm', { from: plan.fromVersion || unknown }) : t('rollback.confirmShort')}
          </button>
        </>
      }
    >
      {load.state === 'loading' && (
        <p id="rollback-description" role="status" className="muted">
          {t('rollback.loading')}
        </p>
      )}
      {load.state === 'error' && (
        <div id="rollback-description">
          <ErrorBox title={t('rollback.planFailed')} error={load.error} onRetry={load.reload} />
        </div>
      )}
      {plan && (
        <>
          <p id="rollback-description">
            {t('rollback.body', { to: plan.toVersion || unknown, from: plan.fromVersion || unknown, current: plan.currentVersion || unknown })}
          </p>
          <dl className="facts compact">
            <div className="fact">
              <dt>{t('rollback.upgrade')}</dt>
              <dd>
                {t('outcome.upgradeValue', { id: plan.upgradeId, from: plan.fromVersion || unknown, to: plan.toVersion || unknown })} ·{' '}
                {upgradeStatusLabel(t, plan.status)}
              </dd>
            </div>
            <div className="fact fact-wide">
              <dt>{t('rollback.backup')}</dt>
              <dd>
                <span className="block">#{plan.backupId} · <code>{plan.backupName}</code></span>
                <span className="muted">
                  {t('rollback.backupTaken')} <DateText value={plan.backupCreatedAt} />
                </span>
              </dd>
            </div>
          </dl>
          {plan.backupFallback && (
            <p className="warn-box" role="note">
              {t('rollback.fallback', { from: plan.fromVersion || unknown })}
            </p>
          )}
          <p className="danger-box">
            {t('rollback.dataWindow')} <DateText value={plan.backupCreatedAt} />
          </p>
          {plan.images.length > 0 && (
            <>
              <h3>{t('rollback.images')}</h3>
              <ul className="plain-list mono-list">
                {plan.images.map((im) => (
                  <li key={im.service}>
                    {im.service}: {im.image} {im.imageId && <span className="muted">({shortHash(im.imageId)})</span>}
                  </li>
                ))}
              </ul>
            </>
          )}
          {plan.steps.length > 0 && (
            <details className="rollback-steps">
              <summary>{t('rollback.steps')}</summary>
              <ol>
                {plan.steps.map((s, i) => (
                  <li key={i}>{s}</li>
                ))}
              </ol>
            </details>
          )}
          <p className="muted">{t('rollback.notCancellable')}</p>
        </>
      )}
      {startError && <ErrorBox title={t('rollback.startFailed')} error={startError} />}
    </Dialog>
  )
}
