import { useId } from 'react'
import type { Job } from '../api'
import { formatCount, formatDuration, formatRate, formatSize } from '../format'
import { useI18n } from '../i18n'
import { ErrorBox } from './ErrorBox'
import { jobStateLabel, phaseLabel } from './labels'
import { describeJob } from './upgradeOutcome'

export interface ProgressPanelProps {
  jobs: readonly Job[]
  onCancel: (id: string) => void
  onDismiss: (id: string) => void
  /** ids whose cancel request is in flight */
  canceling?: ReadonlySet<string>
  /** Heading of the panel; "Jobs" unless told. */
  title?: string
}

function percent(done: number, total: number): number | null {
  if (!(total > 0) || done < 0) return null
  return Math.min(100, Math.floor((done / total) * 100))
}

/**
 * rolledBack tells an upgrade or rollback job that ended with the service
 * back on its old version: the job failed, but what the admin needs to see
 * is "Rolled back", as the upgrade history says, not a bare "Failed".
 */
function rolledBack(job: Job): boolean {
  if (job.state !== 'failed' || (job.kind !== 'upgrade' && job.kind !== 'rollback')) return false
  const { verdict } = describeJob(job, '')
  return verdict === 'rolledBack' || verdict === 'rollbackDone'
}

function JobRow({ job, onCancel, onDismiss, canceling }: { job: Job } & Omit<ProgressPanelProps, 'jobs' | 'title'>) {
  const { t, locale } = useI18n()
  const unknown = t('common.unknown')
  const running = job.state === 'running'
  const pct = percent(job.bytesDone, job.bytesTotal) ?? percent(job.filesDone, job.filesTotal)
  const headingId = `job-${job.id}`
  const of = (done: string, total: string) => t('progress.ofTotal', { done, total })
  return (
    <li className={`job job-${job.state}`}>
      <div className="job-head">
        <h3 id={headingId} className="job-title">
          {job.title || job.kind}
        </h3>
        {rolledBack(job) ? (
          <span className="badge badge-warn">{t('upgradeStatus.rolledBack')}</span>
        ) : (
          <span className={`badge badge-${running ? 'info' : job.state === 'succeeded' ? 'ok' : 'bad'}`}>
            {running ? phaseLabel(t, job.phase) : jobStateLabel(t, job.state)}
          </span>
        )}
        <div className="job-buttons">
          {running && job.cancellable && (
            <button
              type="button"
              className="small-button"
              disabled={canceling?.has(job.id)}
              aria-label={t('progress.cancelJob', { title: job.title || job.kind })}
              onClick={() => onCancel(job.id)}
            >
              {canceling?.has(job.id) ? t('progress.canceling') : t('common.cancel')}
            </button>
          )}
          {running && job.committed && <span className="muted">{t('progress.committed')}</span>}
          {!running && (
            <button
              type="button"
              className="small-button"
              aria-label={t('progress.dismissJob', { title: job.title || job.kind })}
              onClick={() => onDismiss(job.id)}
            >
              {t('progress.dismiss')}
            </button>
          )}
        </div>
      </div>
      <div
        className="progress-track"
        role="progressbar"
        aria-labelledby={headingId}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={running ? (pct ?? undefined) : 100}
        aria-valuetext={pct === null && running ? phaseLabel(t, job.phase) : undefined}
      >
        <span
          className={`progress-fill ${pct === null && running ? 'indeterminate' : ''}`}
          style={{ width: `${running ? (pct ?? 100) : 100}%` }}
        />
      </div>
      <dl className="job-stats">
        <div>
          <dt>{t('progress.bytes')}</dt>
          <dd>{of(formatSize(job.bytesDone, unknown), formatSize(job.bytesTotal > 0 ? job.bytesTotal : null, unknown))}</dd>
        </div>
        <div>
          <dt>{t('progress.files')}</dt>
          <dd>
            {of(
              formatCount(job.filesDone, locale, unknown),
              formatCount(job.filesTotal > 0 ? job.filesTotal : null, locale, unknown),
            )}
          </dd>
        </div>
        <div>
          <dt>{t('progress.rate')}</dt>
          <dd>{running ? formatRate(job.rate, unknown) : '—'}</dd>
        </div>
        <div>
          <dt>{t('progress.eta')}</dt>
          <dd>{running ? formatDuration(job.etaSeconds, unknown) : '—'}</dd>
        </div>
      </dl>
      <p className="job-message" aria-live="polite">
        {job.state === 'succeeded' && (job.message || t('progress.succeeded'))}
        {job.state === 'canceled' && (job.message || t('progress.canceled'))}
        {running && job.message}
      </p>
      {job.log.length > 0 && (
        <details className="job-log">
          <summary>{t('progress.log', { count: job.log.length })}</summary>
          <ol>
            {job.log.map((line, i) => (
              <li key={i}>{line}</li>
            ))}
          </ol>
        </details>
      )}
      {job.state === 'failed' && (
        <ErrorBox
          title={t('progress.failed', { title: job.title || job.kind })}
          error={job.error ?? { code: 'internal', message: job.message, detail: '' }}
        />
      )}
    </li>
  )
}

/** ProgressPanel shows every known job with phase, amounts, rate, ETA and Cancel. */
export function ProgressPanel({ jobs, title, ...rest }: ProgressPanelProps) {
  const { t } = useI18n()
  const headingId = useId()
  if (jobs.length === 0) return null
  return (
    <section className="panel progress-panel" aria-labelledby={headingId}>
      <h2 id={headingId} className="panel-title">
        {title ?? t('progress.title')}
      </h2>
      <ul className="jobs">
        {jobs.map((job) => (
          <JobRow key={job.id} job={job} {...rest} />
        ))}
      </ul>
    </section>
  )
}
