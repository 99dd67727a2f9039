import type { Entry } from '../api'
import { formatCount, formatSize } from '../format'
import { useI18n } from '../i18n'

function depth(path: string): number {
  return path.replace(/\/+$/, '').split('/').length - 1
}

function baseName(path: string): string {
  const parts = path.replace(/\/+$/, '').split('/')
  return parts[parts.length - 1] || path
}

/** EntryTree lists the archived entries indented by depth, in path order. */
export function EntryTree({ entries, total }: { entries: readonly Entry[]; total: number }) {
  const { t, locale } = useI18n()
  const unknown = t('common.unknown')
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  return (
    <div>
      {total > entries.length && (
        <p className="muted">
          {t('details.entriesCapped', {
            shown: formatCount(entries.length, locale, unknown),
            total: formatCount(total, locale, unknown),
          })}
        </p>
      )}
      <ul className="tree" aria-label={t('details.tree')}>
        {sorted.map((e) => (
          <li key={e.path} style={{ paddingInlineStart: `${depth(e.path) * 1.1}rem` }} title={e.path}>
            <span className={`tree-name tree-${e.type}`}>
              {baseName(e.path)}
              {e.type === 'dir' ? '/' : ''}
            </span>
            {e.link && (
              <span className="muted">
                {e.type === 'hardlink' ? ' ⇒ ' : ' → '}
                {e.link}
              </span>
            )}
            {e.type === 'file' && <span className="tree-size">{formatSize(e.size, unknown)}</span>}
          </li>
        ))}
      </ul>
    </div>
  )
}
