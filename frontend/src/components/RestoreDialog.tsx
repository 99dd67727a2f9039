import { useEffect, useState } from 'react'
import { listBackups, planRestore, startRestore, type AppError, type Backup, type RestoreMode } from '../api'
import { formatCount, formatSize } from '../format'
import { useLoad } from '../hooks/useLoad'
import { useI18n } from '../i18n'
import { BackupCards } from './BackupCards'
import { DateText } from './DateText'
import { Dialog } from './Dialog'
import { ErrorBox } from './ErrorBox'
import { isRestorable, typeLabel } from './labels'
import { ModeChoice, RestorePreview } from './RestorePreview'

export interface RestoreDialogProps {
  /** Preselect this backup when it is restorable (e.g. the row's Restore action). */
  initialBackupId?: number | null
  onCancel: () => void
  onStarted: (jobId: string) => void
}

function SelectionDetails({ backup: b }: { backup: Backup }) {
  const { t, locale } = useI18n()
  const unknown = t('common.unknown')
  return (
    <section className="selection" aria-labelledby="selection-heading">
      <h3 id="selection-heading">{t('restore.selection')}</h3>
      <dl className="facts compact">
        <div className="fact">
          <dt>{t('table.id')}</dt>
          <dd>#{b.id}</dd>
        </div>
        <div className="fact">
          <dt>{t('table.type')}</dt>
          <dd>{typeLabel(t, b.type)}</dd>
        </div>
        <div className="fact">
          <dt>{t('table.created')}</dt>
          <dd>
            <DateText value={b.createdAt} />
          </dd>
        </div>
        <div className="fact">
          <dt>{t('table.version')}</dt>
          <dd>{b.version || unknown}</dd>
        </div>
        <div className="fact">
          <dt>{t('table.size')}</dt>
          <dd>{formatSize(b.size, unknown)}</dd>
        </div>
        <div className="fact">
          <dt>{t('table.files')}</dt>
          <dd>{formatCount(b.fileCount, locale, unknown)}</dd>
        </div>
        <div className="fact">
          <dt>{t('details.verifiedAt')}</dt>
          <dd>{b.verifiedAt ? <DateText value={b.verifiedAt} /> : t('details.notVerified')}</dd>
        </div>
      </dl>
    </section>
  )
}

/**
 * RestoreDialog is the backup selection dialog: pick a restorable backup and a mode, read
 * the preview, confirm by typing the deployment name when data would be discarded, and
 * start the restore job. Render it only while open: every opening starts fresh.
 */
export function RestoreDialog({ initialBackupId = null, onCancel, onStarted }: RestoreDialogProps) {
  const { t } = useI18n()
  const list = useLoad(listBackups, [])
  const [selectedId, setSelectedId] = useState<number | null>(null)
  const [mode, setMode] = useState<RestoreMode>('app')
  // Ask the Go side what this restore would change; a newer request wins.
  const plan = useLoad(selectedId === null ? null : () => planRestore(selectedId, mode), [selectedId, mode])
  const [confirmation, setConfirmation] = useState('')
  const [submitting, setSubmitting] = useState(false)
  const [submitError, setSubmitError] = useState<AppError | null>(null)

  // Every list loaded preselects the backup asked for, when it is restorable.
  useEffect(() => {
    const initial = list.data?.find((b) => b.id === initialBackupId)
    if (list.data) setSelectedId(initial && isRestorable(initial) ? initial.id : null)
  }, [list.data, initialBackupId])
  // A new selection or mode starts a new confirmation.
  useEffect(() => {
    setConfirmation('')
    setSubmitError(null)
  }, [selectedId, mode])

  const backups = list.state === 'ready' ? list.data : []
  const selected = backups.find((b) => b.id === selectedId) ?? null
  const ready = plan.state === 'ready' ? plan.data : null
  const confirmed = !ready?.discardsData || confirmation === ready.deploymentName
  const canRestore = !!selected && isRestorable(selected) && !!ready && confirmed && !submitting

  // Say why Restore is disabled, next to it, so the admin never has to guess.
  let hint: string | null = null
  if (list.state === 'ready' && backups.length > 0) {
    if (!selected) hint = t('restore.hintSelect')
    else if (plan.state === 'loading') hint = t('preview.loading')
    else if (ready && !confirmed) hint = t('restore.hintConfirm', { name: ready.deploymentName })
  }

  const restore = async () => {
    if (!canRestore || !selected || !ready) return
    setSubmitting(true)
    setSubmitError(null)
    try {
      const jobId = await startRestore(selected.id, mode, ready.discardsData ? confirmation : '')
      onStarted(jobId)
    } catch (e) {
      setSubmitError(e as AppError)
      setSubmitting(false)
    }
  }

  let body
  if (list.state === 'loading') {
    body = (
      <div role="status" className="state-box">
        <span className="spinner" aria-hidden="true" />
        {t('restore.loading')}
      </div>
    )
  } else if (list.state === 'error') {
    body = <ErrorBox title={t('restore.loadFailed')} error={list.error} onRetry={list.reload} />
  } else if (backups.length === 0) {
    body = (
      <div className="state-box empty">
        <p className="empty-title">{t('restore.emptyTitle')}</p>
        <p className="muted">{t('restore.emptyHint')}</p>
      </div>
    )
  } else {
    body = (
      <div className="restore-layout">
        <div className="restore-list">
          <BackupCards backups={backups} selectedId={selectedId} onSelect={setSelectedId} />
        </div>
        <div className="restore-side">
          {selected ? (
            <>
              <SelectionDetails backup={selected} />
              <ModeChoice mode={mode} onChange={setMode} />
              <RestorePreview
                load={plan}
                onRetry={plan.reload}
                confirmation={confirmation}
                onConfirmationChange={setConfirmation}
              />
            </>
          ) : (
            <p className="muted pick-hint">{t('restore.pickHint')}</p>
          )}
          {submitError && <ErrorBox title={t('restore.startFailed')} error={submitError} />}
        </div>
      </div>
    )
  }

  return (
    <Dialog
      title={t('restore.title')}
      closeLabel={t('common.close')}
      onCancel={onCancel}
      className="restore-dialog"
      footer={
        <>
          {hint && (
            <span className="footer-hint" aria-live="polite">
              {hint}
            </span>
          )}
          <button type="button" className="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
          <button type="button" className="button primary" disabled={!canRestore} onClick={restore}>
            {submitting ? t('restore.starting') : t('restore.confirm')}
          </button>
        </>
      }
    >
      {body}
    </Dialog>
  )
}
