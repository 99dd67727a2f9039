import { useState, type FormEvent } from 'react'
import { startBackup, type AppError, type Compression } from '../api'
import { useI18n } from '../i18n'
import { Dialog } from './Dialog'
import { ErrorBox } from './ErrorBox'

export interface CreateBackupDialogProps {
  /** How many services run now; stopping them is suggested when any do. */
  runningServices: number
  onCancel: () => void
  onStarted: (jobId: string) => void
}

/** CreateBackupDialog starts a manual backup, optionally stopping the services around it. */
export function CreateBackupDialog({ runningServices, onCancel, onStarted }: CreateBackupDialogProps) {
  const { t } = useI18n()
  const [description, setDescription] = useState('')
  const [stopServices, setStopServices] = useState(runningServices > 0)
  const [compression, setCompression] = useState<Compression>('gzip')
  const [submitting, setSubmitting] = useState(false)
  const [error, setError] = useState<AppError | null>(null)

  const submit = async (e?: FormEvent) => {
    e?.preventDefault()
    if (submitting) return
    setSubmitting(true)
    setError(null)
    try {
      onStarted(await startBackup({ type: 'manual', description: description.trim(), stopServices, compression }))
    } catch (err) {
      setError(err as AppError)
      setSubmitting(false)
    }
  }

  return (
    <Dialog
      title={t('create.title')}
      closeLabel={t('common.close')}
      onCancel={onCancel}
      footer={
        <>
          <button type="button" className="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
          <button type="submit" form="create-backup-form" className="button primary" disabled={submitting}>
            {submitting ? t('create.starting') : t('create.start')}
          </button>
        </>
      }
    >
      <form id="create-backup-form" className="form" onSubmit={submit}>
        <label className="field">
          <span>{t('create.description')}</span>
          <input type="text" value={description} maxLength={200} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('create.compression')}</span>
          <select value={compression} onChange={(e) => setCompression(e.target.value as Compression)}>
            <option value="gzip">{t('create.gzip')}</option>
            <option value="zstd">{t('create.zstd')}</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={stopServices} onChange={(e) => setStopServices(e.target.checked)} />
          <span>
            {t('create.stopServices')}
            <span className="muted block">
              {runningServices > 0 ? t('create.stopHint', { count: runningServices }) : t('create.stopHintNone')}
            </span>
          </span>
        </label>
        {error && <ErrorBox title={t('create.failed')} error={error} />}
      </form>
    </Dialog>
  )
}
