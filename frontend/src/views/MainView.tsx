import { useState } from 'react'
import { getStatus, type JobKind } from '../api'
import { ErrorBox } from '../components/ErrorBox'
import { Header } from '../components/Header'
import { ProgressPanel } from '../components/ProgressPanel'
import { TabPanel, Tabs } from '../components/Tabs'
import { useLoad } from '../hooks/useLoad'
import { useI18n } from '../i18n'
import type { JobStore } from '../stores/jobs'
import { changedBy, JobsProvider, useJobsContext, useRefreshOnJobs } from '../stores/JobsProvider'
import { ActivityView } from './ActivityView'
import { BackupsView } from './BackupsView'
import { SettingsView } from './SettingsView'
import { UpgradeView } from './UpgradeView'

export type ViewId = 'backups' | 'upgrade' | 'activity' | 'settings'

const views: ViewId[] = ['backups', 'upgrade', 'activity', 'settings']
const idPrefix = 'view'

/** Job kinds a view shows itself; the shared jobs panel leaves them out while it is open. */
const ownKinds: Partial<Record<ViewId, readonly JobKind[]>> = {
  upgrade: ['upgrade', 'rollback'],
  settings: ['move'],
}

/**
 * MainView is the shell: the header (deployment, version, Docker, services, last upgrade)
 * with the view tabs, the shared jobs panel, and the four views. A view mounts when it is
 * first shown and then stays mounted (hidden), so its form state survives tab switches.
 * It holds the jobs (JobsProvider) the views read; a given store is for tests.
 */
export function MainView({ store, initialView = 'backups' }: { store?: JobStore; initialView?: ViewId }) {
  return (
    <JobsProvider store={store}>
      <Shell initialView={initialView} />
    </JobsProvider>
  )
}

function Shell({ initialView }: { initialView: ViewId }) {
  const { t } = useI18n()
  const { jobs, cancel, canceling, cancelError, dismiss } = useJobsContext()
  const [view, setView] = useState<ViewId>(initialView)
  const [visited, setVisited] = useState<ReadonlySet<ViewId>>(() => new Set([initialView]))
  const status = useLoad(getStatus, [])
  useRefreshOnJobs(changedBy.status, status.refresh)

  const show = (next: ViewId) => {
    setView(next)
    setVisited((v) => (v.has(next) ? v : new Set(v).add(next)))
  }

  const hidden = ownKinds[view] ?? []
  const sharedJobs = jobs.filter((j) => !hidden.includes(j.kind))

  const labels: Record<ViewId, string> = {
    backups: t('tabs.backups'),
    upgrade: t('tabs.upgrade'),
    activity: t('tabs.activity'),
    settings: t('tabs.settings'),
  }
  const current = status.data ?? null

  return (
    <div className="app">
      <Header status={current} error={status.error} onRetry={status.refresh}>
        <Tabs
          tabs={views.map((id) => ({ id, label: labels[id] }))}
          active={view}
          onChange={show}
          label={t('tabs.label')}
          idPrefix={idPrefix}
        />
      </Header>
      <main className="app-main">
        <ProgressPanel jobs={sharedJobs} onCancel={cancel} onDismiss={dismiss} canceling={canceling} />
        {cancelError && <ErrorBox title={t('main.actionFailed')} error={cancelError} />}
        {views.map((id) => (
          <TabPanel key={id} idPrefix={idPrefix} id={id} active={view === id}>
            {id === 'backups' && visited.has(id) && <BackupsView status={current} active={view === id} />}
            {id === 'upgrade' && visited.has(id) && <UpgradeView status={current} />}
            {id === 'activity' && visited.has(id) && <ActivityView active={view === id} />}
            {id === 'settings' && visited.has(id) && <SettingsView onSaved={status.refresh} />}
          </TabPanel>
        ))}
      </main>
    </div>
  )
}
