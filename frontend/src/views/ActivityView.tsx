import { useCallback, useEffect, useRef, useState } from 'react'
import { listOperations, listUpgrades, type AppError, type Job } from '../api'
import { buildHistory, type HistoryRow } from '../components/activity'
import { ErrorBox } from '../components/ErrorBox'
import { HistoryTable } from '../components/HistoryTable'
import { JobLog } from '../components/JobLog'
import { useI18n } from '../i18n'

export interface ActivityViewProps {
  /** Every job of this session, newest first. */
  jobs: readonly Job[]
  finishedSeq: number
  active: boolean
}

type Load = { state: 'loading' } | { state: 'error'; error: AppError } | { state: 'ready'; rows: HistoryRow[] }

/** How many journal rows the history shows. */
export const historyLimit = 200

/** ActivityView: the history of operations with outcome and duration, and the job log. */
export function ActivityView({ jobs, finishedSeq, active }: ActivityViewProps) {
  const { t } = useI18n()
  const [load, setLoad] = useState<Load>({ state: 'loading' })

  const refresh = useCallback((showLoading = false) => {
    if (showLoading) setLoad({ state: 'loading' })
    Promise.all([listOperations(historyLimit), listUpgrades()]).then(
      ([ops, ups]) => setLoad({ state: 'ready', rows: buildHistory(ops, ups) }),
      (error: AppError) => setLoad({ state: 'error', error }),
    )
  }, [])

  useEffect(() => refresh(true), [refresh])
  const mounted = useRef(false)
  useEffect(() => {
    if (mounted.current && active) refresh()
    mounted.current = true
  }, [finishedSeq, active, refresh])

  return (
    <div className="view activity-view">
      <section className="panel" aria-labelledby="history-heading">
        <div className="panel-header">
          <h2 id="history-heading">{t('history.title')}</h2>
          <button type="button" className="button" onClick={() => refresh(true)}>
            {t('main.refresh')}
          </button>
        </div>
        {load.state === 'loading' && (
          <p role="status" className="muted">
            {t('history.loading')}
          </p>
        )}
        {load.state === 'error' && <ErrorBox title={t('history.failed')} error={load.error} onRetry={() => refresh(true)} />}
        {load.state === 'ready' && <HistoryTable rows={load.rows} />}
      </section>
      <section className="panel" aria-labelledby="log-heading">
        <h2 id="log-heading" className="panel-title">
          {t('log.title')}
        </h2>
        <JobLog jobs={jobs} />
      </section>
    </div>
  )
}
