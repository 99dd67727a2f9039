import { useMemo, useState } from 'react'
import { listBackups, startVerify, type AppError, type Backup, type Status } from '../api'
import { BackupsTable } from '../components/BackupsTable'
import { CreateBackupDialog } from '../components/CreateBackupDialog'
import { DeleteDialog } from '../components/DeleteDialog'
import { DetailsPanel } from '../components/DetailsPanel'
import { ErrorBox } from '../components/ErrorBox'
import { isRestorable } from '../components/labels'
import { RestoreDialog } from '../components/RestoreDialog'
import { formatSize } from '../format'
import { useLoad } from '../hooks/useLoad'
import { useI18n } from '../i18n'
import { changedBy, useJobsContext, useRefreshOnJobs } from '../stores/JobsProvider'

type OpenDialog = { kind: 'create' } | { kind: 'restore'; backupId: number | null } | { kind: 'delete'; backupId: number } | null

export interface BackupsViewProps {
  status: Status | null
  /** The tab is shown; becoming shown refreshes (a prune elsewhere may have removed backups). */
  active: boolean
}

function newestPreUpgradeId(backups: readonly Backup[]): number | null {
  let best: Backup | null = null
  for (const b of backups) {
    if (b.type !== 'pre-upgrade' || b.status !== 'completed') continue
    if (!best || Date.parse(b.createdAt) > Date.parse(best.createdAt)) best = b
  }
  return best?.id ?? null
}

/** BackupsView is the backups table with details, create, verify, restore and delete. */
export function BackupsView({ status, active }: BackupsViewProps) {
  const { t } = useI18n()
  const { busy } = useJobsContext()
  const list = useLoad(listBackups, [])
  // Later changes refresh quietly: a finished job, or the tab shown again.
  useRefreshOnJobs(changedBy.backups, list.refresh, active)
  const [detailsId, setDetailsId] = useState<number | null>(null)
  const [dialog, setDialog] = useState<OpenDialog>(null)
  const [actionError, setActionError] = useState<AppError | null>(null)

  const backups = list.state === 'ready' ? list.data : []
  const usable = backups.filter(isRestorable)
  const totalSize = backups.reduce((sum, b) => sum + (b.status === 'completed' && b.fileExists ? b.size : 0), 0)
  const deleting = dialog?.kind === 'delete' ? backups.find((b) => b.id === dialog.backupId) : undefined
  const newestPre = useMemo(() => newestPreUpgradeId(backups), [backups])
  const runningServices = status?.services?.filter((s) => s.running).length ?? 0

  const verify = (id: number) => {
    setActionError(null)
    startVerify(id).catch((e: AppError) => setActionError(e))
  }
  const closeDialog = () => setDialog(null)

  return (
    <>
      {actionError && <ErrorBox title={t('main.actionFailed')} error={actionError} />}
      <div className={detailsId !== null ? 'content with-details' : 'content'}>
        <section className="panel backups-panel" aria-labelledby="backups-heading">
          <div className="panel-header">
            <h2 id="backups-heading">{t('main.backups')}</h2>
            <div className="toolbar">
              <button type="button" className="button" onClick={list.reload}>
                {t('main.refresh')}
              </button>
              <button type="button" className="button" disabled={busy} onClick={() => setDialog({ kind: 'restore', backupId: null })}>
                {t('main.restore')}
              </button>
              <button
                type="button"
                className="button primary"
                disabled={busy || !status?.deployment}
                onClick={() => setDialog({ kind: 'create' })}
              >
                {t('main.create')}
              </button>
            </div>
          </div>
          {list.state === 'loading' && (
            <p role="status" className="muted">
              {t('main.loading')}
            </p>
          )}
          {list.state === 'error' && <ErrorBox title={t('main.loadFailed')} error={list.error} onRetry={list.reload} />}
          {list.state === 'ready' && (
            <>
              <p className="summary">
                {t('main.summary', {
                  count: backups.length,
                  usable: usable.length,
                  unusable: backups.length - usable.length,
                  size: formatSize(totalSize, t('common.unknown')),
                })}
              </p>
              <BackupsTable
                backups={backups}
                selectedId={detailsId}
                busy={busy}
                onDetails={setDetailsId}
                onVerify={verify}
                onRestore={(id) => setDialog({ kind: 'restore', backupId: id })}
                onDelete={(id) => setDialog({ kind: 'delete', backupId: id })}
              />
            </>
          )}
        </section>
        {detailsId !== null && <DetailsPanel key={detailsId} backupId={detailsId} onClose={() => setDetailsId(null)} />}
      </div>
      {dialog?.kind === 'create' && <CreateBackupDialog runningServices={runningServices} onCancel={closeDialog} onStarted={closeDialog} />}
      {dialog?.kind === 'restore' && <RestoreDialog initialBackupId={dialog.backupId} onCancel={closeDialog} onStarted={closeDialog} />}
      {deleting && (
        <DeleteDialog
          backup={deleting}
          isNewestPreUpgrade={deleting.id === newestPre}
          onCancel={closeDialog}
          onDeleted={(id) => {
            closeDialog()
            if (detailsId === id) setDetailsId(null)
            list.refresh()
          }}
        />
      )}
    </>
  )
}
