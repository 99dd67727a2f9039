import { useCallback, useEffect, useMemo, useState } from 'react'
import { cancelJob, getStatus, listBackups, startVerify, type AppError, type Backup, type Job, type Status } from '../api'
import { BackupsTable } from '../components/BackupsTable'
import { CreateBackupDialog } from '../components/CreateBackupDialog'
import { DeleteDialog } from '../components/DeleteDialog'
import { DetailsPanel } from '../components/DetailsPanel'
import { ErrorBox } from '../components/ErrorBox'
import { Header } from '../components/Header'
import { isRestorable } from '../components/labels'
import { ProgressPanel } from '../components/ProgressPanel'
import { RestoreDialog } from '../components/RestoreDialog'
import { formatSize } from '../format'
import { useI18n } from '../i18n'
import { connectJobs, createJobStore, useJobs, type JobStore } from '../stores/jobs'

type ListLoad = { state: 'loading' } | { state: 'error'; error: AppError } | { state: 'ready'; backups: Backup[] }
type OpenDialog = { kind: 'create' } | { kind: 'restore'; backupId: number | null } | { kind: 'delete'; backupId: number } | null

function newestPreUpgradeId(backups: readonly Backup[]): number | null {
  let best: Backup | null = null
  for (const b of backups) {
    if (b.type !== 'pre-upgrade' || b.status !== 'completed') continue
    if (!best || Date.parse(b.createdAt) > Date.parse(best.createdAt)) best = b
  }
  return best?.id ?? null
}

/** MainView wires the header, jobs, backups table, details and the dialogs together. */
export function MainView({ store: given }: { store?: JobStore }) {
  const { t } = useI18n()
  const [store] = useState(() => given ?? createJobStore())
  const jobs = useJobs(store)
  const [status, setStatus] = useState<Status | null>(null)
  const [statusError, setStatusError] = useState<AppError | null>(null)
  const [list, setList] = useState<ListLoad>({ state: 'loading' })
  const [detailsId, setDetailsId] = useState<number | null>(null)
  const [dialog, setDialog] = useState<OpenDialog>(null)
  const [actionError, setActionError] = useState<AppError | null>(null)
  const [canceling, setCanceling] = useState<ReadonlySet<string>>(new Set())

  const refreshStatus = useCallback(() => {
    getStatus().then(
      (s) => {
        setStatus(s)
        setStatusError(null)
      },
      (e: AppError) => setStatusError(e),
    )
  }, [])
  const refreshBackups = useCallback((showLoading = false) => {
    if (showLoading) setList({ state: 'loading' })
    listBackups().then(
      (backups) => setList({ state: 'ready', backups }),
      (error: AppError) => setList({ state: 'error', error }),
    )
  }, [])

  useEffect(() => {
    refreshStatus()
    refreshBackups(true)
  }, [refreshStatus, refreshBackups])

  useEffect(
    () =>
      connectJobs(store, () => {
        // A finished job may have changed backups (new, verified, deleted) and services.
        refreshBackups()
        refreshStatus()
      }),
    [store, refreshBackups, refreshStatus],
  )

  const backups = list.state === 'ready' ? list.backups : []
  const busy = jobs.some((j: Job) => j.state === 'running')
  const usable = backups.filter(isRestorable)
  const totalSize = backups.reduce((sum, b) => sum + (b.status === 'completed' && b.fileExists ? b.size : 0), 0)
  const deleting = dialog?.kind === 'delete' ? backups.find((b) => b.id === dialog.backupId) : undefined
  const newestPre = useMemo(() => newestPreUpgradeId(backups), [backups])
  const runningServices = status?.services?.filter((s) => s.running).length ?? 0

  const verify = (id: number) => {
    setActionError(null)
    startVerify(id).catch((e: AppError) => setActionError(e))
  }
  const cancel = (id: string) => {
    setCanceling((s) => new Set(s).add(id))
    cancelJob(id)
      .catch((e: AppError) => setActionError(e))
      .finally(() =>
        setCanceling((s) => {
          const next = new Set(s)
          next.delete(id)
          return next
        }),
      )
  }
  const closeDialog = () => setDialog(null)

  return (
    <div className="app">
      <Header status={status} error={statusError} onRetry={refreshStatus} />
      <main className="app-main">
        <ProgressPanel jobs={jobs} onCancel={cancel} onDismiss={store.dismiss} canceling={canceling} />
        {actionError && <ErrorBox title={t('main.actionFailed')} error={actionError} />}
        <div className={detailsId !== null ? 'content with-details' : 'content'}>
          <section className="panel backups-panel" aria-labelledby="backups-heading">
            <div className="panel-header">
              <h2 id="backups-heading">{t('main.backups')}</h2>
              <div className="toolbar">
                <button type="button" className="button" onClick={() => refreshBackups(true)}>
                  {t('main.refresh')}
                </button>
                <button
                  type="button"
                  className="button"
                  disabled={busy}
                  onClick={() => setDialog({ kind: 'restore', backupId: null })}
                >
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
            {list.state === 'error' && (
              <ErrorBox title={t('main.loadFailed')} error={list.error} onRetry={() => refreshBackups(true)} />
            )}
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
      </main>
      {dialog?.kind === 'create' && (
        <CreateBackupDialog runningServices={runningServices} onCancel={closeDialog} onStarted={closeDialog} />
      )}
      {dialog?.kind === 'restore' && (
        <RestoreDialog initialBackupId={dialog.backupId} onCancel={closeDialog} onStarted={closeDialog} />
      )}
      {deleting && (
        <DeleteDialog
          backup={deleting}
          isNewestPreUpgrade={deleting.id === newestPre}
          onCancel={closeDialog}
          onDeleted={(id) => {
            closeDialog()
            if (detailsId === id) setDetailsId(null)
            refreshBackups()
          }}
        />
      )}
    </div>
  )
}
