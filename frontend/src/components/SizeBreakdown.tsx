import type { BreakdownRow } from '../api'
import { formatCount, formatSize } from '../format'
import { useI18n } from '../i18n'

/** SizeBreakdown is a horizontal bar chart of bytes per directory, largest first. */
export function SizeBreakdown({ rows }: { rows: readonly BreakdownRow[] }) {
  const { t, locale } = useI18n()
  const unknown = t('common.unknown')
  if (rows.length === 0) return <p className="muted">{t('details.noBreakdown')}</p>
  const sorted = [...rows].sort((a, b) => b.bytes - a.bytes)
  const total = sorted.reduce((sum, r) => sum + r.bytes, 0)
  const max = Math.max(1, sorted[0].bytes)
  return (
    <ul className="bars" aria-label={t('details.breakdown')}>
      {sorted.map((r) => {
        const share = total > 0 ? Math.round((r.bytes / total) * 100) : 0
        return (
          <li key={r.path} className="bar-row">
            <span className="bar-label" title={r.path}>
              {r.path || '.'}
            </span>
            <span className="bar-track" aria-hidden="true">
              <span className="bar-fill" style={{ width: `${(r.bytes / max) * 100}%` }} />
            </span>
            <span className="bar-value">
              {t('details.breakdownValue', {
                size: formatSize(r.bytes, unknown),
                files: formatCount(r.files, locale, unknown),
                count: r.files,
                share,
              })}
            </span>
          </li>
        )
      })}
    </ul>
  )
}
