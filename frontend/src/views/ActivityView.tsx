import { listOperations, listUpgrades } from '../api'
import { buildHistory, type HistoryRow } from '../components/activity'
import { ErrorBox } from '../components/ErrorBox'
import { HistoryTable } from '../components/HistoryTable'
import { JobLog } from '../components/JobLog'
import { useLoad } from '../hooks/useLoad'
import { useI18n } from '../i18n'
import { changedBy, useJobsContext, useRefreshOnJobs } from '../stores/JobsProvider'

export interface ActivityViewProps {
  /** The tab is shown; becoming shown refreshes. */
  active: boolean
}

/** How many journal rows the history shows. */
export const historyLimit = 200

const fetchHistory = async (): Promise<HistoryRow[]> => {
  const [ops, ups] = await Promise.all([listOperations(historyLimit), listUpgrades()])
  return buildHistory(ops, ups)
}

/** ActivityView: the history of operations with outcome and duration, and the job log. */
export function ActivityView({ active }: ActivityViewProps) {
  const { t } = useI18n()
  const { allJobs } = useJobsContext()
  const load = useLoad(fetchHistory, [])
  useRefreshOnJobs(changedBy.history, load.refresh, active)

  return (
    <div className="view activity-view">
      <section className="panel" aria-labelledby="history-heading">
        <div className="panel-header">
          <h2 id="history-heading">{t('history.title')}</h2>
          <button type="button" className="button" onClick={load.reload}>
            {t('main.refresh')}
          </button>
        </div>
        {load.state === 'loading' && (
          <p role="status" className="muted">
            {t('history.loading')}
          </p>
        )}
        {load.state === 'error' && <ErrorBox title={t('history.failed')} error={load.error} onRetry={load.reload} />}
        {load.state === 'ready' && <HistoryTable rows={load.data} />}
      </section>
      <section className="panel" aria-labelledby="log-heading">
        <h2 id="log-heading" className="panel-title">
          {t('log.title')}
        </h2>
        <JobLog jobs={allJobs} />
      </section>
    </div>
  )
}
