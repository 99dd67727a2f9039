import { useRef, useState } from 'react'
import { deleteBackup, type AppError, type Backup } from '../api'
import { formatSize } from '../format'
import { useI18n } from '../i18n'
import { DateText } from './DateText'
import { Dialog } from './Dialog'
import { ErrorBox } from './ErrorBox'
import { typeLabel } from './labels'

export interface DeleteDialogProps {
  backup: Backup
  /** The newest completed pre-upgrade backup is what a rollback needs: warn about it. */
  isNewestPreUpgrade: boolean
  onCancel: () => void
  onDeleted: (id: number) => void
}

/** DeleteDialog confirms removing a backup's file and record; Cancel has the focus first. */
export function DeleteDialog({ backup, isNewestPreUpgrade, onCancel, onDeleted }: DeleteDialogProps) {
  const { t } = useI18n()
  const cancelRef = useRef<HTMLButtonElement>(null)
  const [deleting, setDeleting] = useState(false)
  const [error, setError] = useState<AppError | null>(null)

  const confirm = async () => {
    setDeleting(true)
    setError(null)
    try {
      await deleteBackup(backup.id)
      onDeleted(backup.id)
    } catch (e) {
      setError(e as AppError)
      setDeleting(false)
    }
  }

  return (
    <Dialog
      role="alertdialog"
      title={t('delete.title', { id: backup.id })}
      closeLabel={t('common.close')}
      onCancel={onCancel}
      initialFocus={cancelRef}
      describedBy="delete-description"
      footer={
        <>
          <button ref={cancelRef} type="button" className="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
          <button type="button" className="button danger" disabled={deleting} onClick={confirm}>
            {deleting ? t('delete.deleting') : t('delete.confirm')}
          </button>
        </>
      }
    >
      <p id="delete-description">
        {t('delete.body', { type: typeLabel(t, backup.type), size: formatSize(backup.size, t('common.unknown')) })}{' '}
        <DateText value={backup.createdAt} />
      </p>
      {isNewestPreUpgrade && <p className="danger-box">{t('delete.newestPreUpgrade')}</p>}
      {error && <ErrorBox title={t('delete.failed')} error={error} />}
    </Dialog>
  )
}
