import { formatDuration } from '../format'
import { useI18n, type Translate } from '../i18n'
import type { HistoryRow } from './activity'
import { DateText } from './DateText'
import { kindLabel, modeLabel, opStateLabel, opStateTone, restoreModes, upgradeStatusLabel, upgradeStatusTone, type Tone } from './labels'
import type { RestoreMode } from '../api'

function describe(t: Translate, r: HistoryRow): string {
  const unknown = t('common.unknown')
  switch (r.kind) {
    case 'backup':
      return r.file ? t('history.backupFile', { id: r.backupId, file: r.file }) : t('history.backup', { id: r.backupId })
    case 'restore':
      return t('history.restore', {
        id: r.backupId,
        mode: restoreModes.includes(r.mode as RestoreMode) ? modeLabel(t, r.mode as RestoreMode) : r.mode || unknown,
      })
    case 'upgrade':
      return t('history.upgrade', { id: r.upgradeId, from: r.from || unknown, to: r.to || unknown })
    case 'rollback':
      return t('history.rollback', { id: r.upgradeId, from: r.from || unknown, to: r.to || unknown })
    default:
      return ''
  }
}

function outcome(t: Translate, r: HistoryRow): { tone: Tone; text: string } {
  return r.outcomeType === 'upgrade'
    ? { tone: upgradeStatusTone(r.outcome), text: upgradeStatusLabel(t, r.outcome) }
    : { tone: opStateTone(r.outcome), text: opStateLabel(t, r.outcome) }
}

/** HistoryTable lists what happened to the deployment, newest first, with outcome and duration. */
export function HistoryTable({ rows }: { rows: readonly HistoryRow[] }) {
  const { t } = useI18n()
  const unknown = t('common.unknown')
  return (
    <div className="table-wrap">
      <table className="history-table">
        <caption className="visually-hidden">{t('history.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('history.started')}</th>
            <th scope="col">{t('history.operation')}</th>
            <th scope="col">{t('history.outcome')}</th>
            <th scope="col" className="num">
              {t('history.duration')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={4} className="empty-cell">
                {t('history.empty')}
              </td>
            </tr>
          )}
          {rows.map((r) => {
            const o = outcome(t, r)
            return (
              <tr key={r.key}>
                <td>
                  <DateText value={r.startedAt} />
                </td>
                <td className="history-what">
                  <span className={`pill pill-kind-${r.kind}`}>{kindLabel(t, r.kind)}</span> <span>{describe(t, r)}</span>
                  {r.error && (
                    <span className="history-error" title={r.error}>
                      {r.error}
                    </span>
                  )}
                </td>
                <td>
                  <span className={`badge badge-${o.tone}`}>{o.text}</span>
                </td>
                <td className="num">
                  {r.durationMs === null ? (r.finishedAt ? unknown : '—') : formatDuration(r.durationMs / 1000, unknown)}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
