import { useId, useState } from 'react'
import type { Job } from '../api'
import { useI18n } from '../i18n'
import { buildLogText, downloadText, logFileName } from '../logExport'
import { DateText } from './DateText'
import { jobStateLabel, kindLabel } from './labels'

/**
 * JobLog shows the log of one job of this session (the newest unless another is picked)
 * and exports it as a text file.
 */
export function JobLog({ jobs }: { jobs: readonly Job[] }) {
  const { t } = useI18n()
  const selectId = useId()
  const [picked, setPicked] = useState<string | null>(null)
  const [exported, setExported] = useState('')
  const job = jobs.find((j) => j.id === picked) ?? jobs[0] ?? null

  if (!job) return <p className="muted">{t('log.none')}</p>

  const exportLog = () => {
    const name = logFileName(job)
    downloadText(name, buildLogText(t, job))
    setExported(t('log.exported', { file: name }))
  }

  return (
    <div className="job-log-view">
      <div className="log-toolbar">
        <label htmlFor={selectId}>{t('log.job')}</label>
        <select
          id={selectId}
          value={job.id}
          onChange={(e) => {
            setPicked(e.target.value)
            setExported('')
          }}
        >
          {jobs.map((j) => (
            <option key={j.id} value={j.id}>
              {`${j.title || kindLabel(t, j.kind)} · ${jobStateLabel(t, j.state)}`}
            </option>
          ))}
        </select>
        <button type="button" className="button" onClick={exportLog}>
          {t('log.export')}
        </button>
        <span className="muted" role="status">
          {exported}
        </span>
      </div>
      <p className="muted log-meta">
        {t('log.started')} <DateText value={job.startedAt} />
        {job.message && ` · ${job.message}`}
      </p>
      {job.log.length === 0 ? (
        <p className="muted">{t('log.empty')}</p>
      ) : (
        <ol className="log-lines" aria-label={t('log.lines', { title: job.title || job.kind })}>
          {job.log.map((line, i) => (
            <li key={i}>{line}</li>
          ))}
        </ol>
      )}
      {job.error && (
        <p className="bad-text">
          {t('log.error')}: {job.error.message}
        </p>
      )}
    </div>
  )
}
