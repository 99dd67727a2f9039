import type { Job } from './api'
import type { Translate } from './i18n'
import { jobStateLabel, phaseLabel } from './components/labels'

// Export of a job's log as a plain-text file: a short header, then the log lines.

/** buildLogText renders a job as the text of an exported log file. */
export function buildLogText(t: Translate, job: Job): string {
  const lines = [
    `${t('log.exportJob')}: ${job.title || job.kind} (${job.id})`,
    `${t('log.exportKind')}: ${job.kind}`,
    `${t('log.exportState')}: ${jobStateLabel(t, job.state)}`,
    `${t('log.exportPhase')}: ${phaseLabel(t, job.phase)}`,
    `${t('log.exportStarted')}: ${job.startedAt}`,
    `${t('log.exportFinished')}: ${job.finishedAt ?? '—'}`,
  ]
  if (job.message) lines.push(`${t('log.exportMessage')}: ${job.message}`)
  if (job.error) {
    lines.push(`${t('log.exportError')}: [${job.error.code}] ${job.error.message}`)
    if (job.error.detail && job.error.detail !== job.error.message) lines.push(job.error.detail)
  }
  lines.push('', `${t('log.exportLines', { count: job.log.length })}:`, ...job.log)
  return lines.join('\n') + '\n'
}

/** logFileName is e.g. "rewind-upgrade-3-2025-10-31T02-00-00Z.txt" (the job's start, UTC). */
export function logFileName(job: Job): string {
  const stamp = job.startedAt.replace(/\.\d+/, '').replace(/:/g, '-')
  return `rewind-${job.id}-${stamp}.txt`.replace(/[^A-Za-z0-9._-]/g, '_')
}

/** downloadText saves text as a file through a Blob URL and a temporary anchor. */
export function downloadText(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }))
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.style.display = 'none'
  document.body.appendChild(a)
  try {
    a.click()
  } finally {
    a.remove()
    // Revoke after the click has been handled, not before the download starts.
    setTimeout(() => URL.revokeObjectURL(url), 1000)
  }
}
