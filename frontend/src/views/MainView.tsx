import { useCallback, useEffect, useState } from 'react'
import { cancelJob, getStatus, type AppError, type Job, type Status } from '../api'
import { ErrorBox } from '../components/ErrorBox'
import { Header } from '../components/Header'
import { ProgressPanel } from '../components/ProgressPanel'
import { TabPanel, Tabs } from '../components/Tabs'
import { useI18n } from '../i18n'
import { connectJobs, createJobStore, useAllJobs, useJobs, type JobStore } from '../stores/jobs'
import { ActivityView } from './ActivityView'
import { BackupsView } from './BackupsView'
import { SettingsView } from './SettingsView'
import { UpgradeView } from './UpgradeView'

export type ViewId = 'backups' | 'upgrade' | 'activity' | 'settings'

const views: ViewId[] = ['backups', 'upgrade', 'activity', 'settings']
const idPrefix = 'view'

/** Job kinds a view shows itself; the shared jobs panel leaves them out while it is open. */
const ownKinds: Partial<Record<ViewId, readonly string[]>> = {
  upgrade: ['upgrade', 'rollback'],
  settings: ['move'],
}

/**
 * MainView is the shell: the header (deployment, version, Docker, services, last upgrade)
 * with the view tabs, the shared jobs panel, and the four views. A view mounts when it is
 * first shown and then stays mounted (hidden), so its form state survives tab switches.
 */
export function MainView({ store: given, initialView = 'backups' }: { store?: JobStore; initialView?: ViewId }) {
  const { t } = useI18n()
  const [store] = useState(() => given ?? createJobStore())
  const jobs = useJobs(store)
  const allJobs = useAllJobs(store)
  const [view, setView] = useState<ViewId>(initialView)
  const [visited, setVisited] = useState<ReadonlySet<ViewId>>(() => new Set([initialView]))
  const [status, setStatus] = useState<Status | null>(null)
  const [statusError, setStatusError] = useState<AppError | null>(null)
  const [finishedSeq, setFinishedSeq] = useState(0)
  const [cancelError, setCancelError] = useState<AppError | null>(null)
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

  useEffect(() => refreshStatus(), [refreshStatus])

  useEffect(
    () =>
      connectJobs(store, () => {
        // A finished job may have changed backups, services, the version and the history.
        refreshStatus()
        setFinishedSeq((n) => n + 1)
      }),
    [store, refreshStatus],
  )

  const show = (next: ViewId) => {
    setView(next)
    setVisited((v) => (v.has(next) ? v : new Set(v).add(next)))
  }

  const busy = jobs.some((j: Job) => j.state === 'running')
  const hidden = ownKinds[view] ?? []
  const sharedJobs = jobs.filter((j) => !hidden.includes(j.kind))

  const cancel = (id: string) => {
    setCanceling((s) => new Set(s).add(id))
    setCancelError(null)
    cancelJob(id)
      .catch((e: AppError) => setCancelError(e))
      .finally(() =>
        setCanceling((s) => {
          const next = new Set(s)
          next.delete(id)
          return next
        }),
      )
  }

  const labels: Record<ViewId, string> = {
    backups: t('tabs.backups'),
    upgrade: t('tabs.upgrade'),
    activity: t('tabs.activity'),
    settings: t('tabs.settings'),
  }

  return (
    <div className="app">
      <Header status={status} error={statusError} onRetry={refreshStatus}>
        <Tabs
          tabs={views.map((id) => ({ id, label: labels[id] }))}
          active={view}
          onChange={show}
          label={t('tabs.label')}
          idPrefix={idPrefix}
        />
      </Header>
      <main className="app-main">
        <ProgressPanel jobs={sharedJobs} onCancel={cancel} onDismiss={store.dismiss} canceling={canceling} />
        {cancelError && <ErrorBox title={t('main.actionFailed')} error={cancelError} />}
        {views.map((id) => (
          <TabPanel key={id} idPrefix={idPrefix} id={id} active={view === id}>
            {id === 'backups' && visited.has(id) && (
              <BackupsView status={status} busy={busy} finishedSeq={finishedSeq} active={view === id} />
            )}
            {id === 'upgrade' && visited.has(id) && (
              <UpgradeView
                status={status}
                jobs={jobs}
                allJobs={allJobs}
                busy={busy}
                finishedSeq={finishedSeq}
                onCancel={cancel}
                canceling={canceling}
                onDismiss={store.dismiss}
              />
            )}
            {id === 'activity' && visited.has(id) && (
              <ActivityView jobs={allJobs} finishedSeq={finishedSeq} active={view === id} />
            )}
            {id === 'settings' && visited.has(id) && (
              <SettingsView
                jobs={jobs}
                busy={busy}
                finishedSeq={finishedSeq}
                onCancel={cancel}
                canceling={canceling}
                onDismiss={store.dismiss}
                onSaved={refreshStatus}
              />
            )}
          </TabPanel>
        ))}
      </main>
    </div>
  )
}
