import { useMemo, useState, type ReactNode } from 'react'
import type { Backup } from '../api'
import { formatCount, formatSize } from '../format'
import { useI18n, type MessageKey } from '../i18n'
import { DateText } from './DateText'
import { isRestorable, typeLabel } from './labels'
import { StatusBadges } from './StatusBadges'
import { defaultSort, nextSort, sortBackups, type Sort, type SortKey } from './sortBackups'

export interface BackupsTableProps {
  backups: readonly Backup[]
  selectedId: number | null
  /** busy disables the actions that start or change something. */
  busy: boolean
  onDetails: (id: number) => void
  onVerify: (id: number) => void
  onRestore: (id: number) => void
  onDelete: (id: number) => void
}

const columns: { key: SortKey; label: MessageKey; numeric?: boolean }[] = [
  { key: 'type', label: 'table.type' },
  { key: 'id', label: 'table.id', numeric: true },
  { key: 'createdAt', label: 'table.created' },
  { key: 'version', label: 'table.version' },
  { key: 'size', label: 'table.size', numeric: true },
  { key: 'fileCount', label: 'table.files', numeric: true },
]

function SortHeader(props: { label: string; sorted: Sort['dir'] | null; numeric?: boolean; onSort: () => void }) {
  const arrow = props.sorted === 'ascending' ? '▲' : props.sorted === 'descending' ? '▼' : '↕'
  return (
    <th scope="col" aria-sort={props.sorted ?? undefined} className={props.numeric ? 'num' : undefined}>
      <button type="button" className="sort-button" onClick={props.onSort}>
        {props.label}
        <span aria-hidden="true" className={props.sorted ? 'sort-arrow active' : 'sort-arrow'}>
          {arrow}
        </span>
      </button>
    </th>
  )
}

function Action(props: { label: string; name: string; disabled?: boolean; danger?: boolean; onClick: () => void }) {
  return (
    <button
      type="button"
      className={props.danger ? 'small-button danger' : 'small-button'}
      aria-label={props.name}
      disabled={props.disabled}
      onClick={props.onClick}
    >
      {props.label}
    </button>
  )
}

/** BackupsTable lists backups with sortable columns, status badges and row actions. */
export function BackupsTable(props: BackupsTableProps) {
  const { t, locale } = useI18n()
  const [sort, setSort] = useState<Sort>(defaultSort)
  const rows = useMemo(() => sortBackups(props.backups, sort), [props.backups, sort])
  const unknown = t('common.unknown')

  let body: ReactNode
  if (rows.length === 0) {
    body = (
      <tr>
        <td colSpan={columns.length + 2} className="empty-cell">
          {t('table.empty')}
        </td>
      </tr>
    )
  } else {
    body = rows.map((b) => {
      const vars = { id: b.id }
      return (
        <tr key={b.id} className={props.selectedId === b.id ? 'selected' : undefined}>
          <td>
            <span className={`pill pill-${b.type}`}>{typeLabel(t, b.type)}</span>
          </td>
          <td className="num">#{b.id}</td>
          <td>
            <DateText value={b.createdAt} />
          </td>
          <td>{b.version || unknown}</td>
          <td className="num">{b.status === 'completed' ? formatSize(b.size, unknown) : unknown}</td>
          <td className="num">{b.status === 'completed' ? formatCount(b.fileCount, locale, unknown) : unknown}</td>
          <td>
            <StatusBadges backup={b} />
          </td>
          <td className="actions">
            <Action label={t('actions.details')} name={t('actions.detailsOf', vars)} onClick={() => props.onDetails(b.id)} />
            <Action
              label={t('actions.verify')}
              name={t('actions.verifyOf', vars)}
              disabled={props.busy || !b.fileExists || b.status === 'in_progress' || b.status === 'failed'}
              onClick={() => props.onVerify(b.id)}
            />
            <Action
              label={t('actions.restore')}
              name={t('actions.restoreOf', vars)}
              disabled={props.busy || !isRestorable(b)}
              onClick={() => props.onRestore(b.id)}
            />
            <Action
              label={t('actions.delete')}
              name={t('actions.deleteOf', vars)}
              danger
              disabled={props.busy || b.status === 'in_progress'}
              onClick={() => props.onDelete(b.id)}
            />
          </td>
        </tr>
      )
    })
  }

  return (
    <div className="table-wrap">
      <table className="backups-table">
        <caption className="visually-hidden">{t('table.caption')}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <SortHeader
                key={c.key}
                label={t(c.label)}
                numeric={c.numeric}
                sorted={sort.key === c.key ? sort.dir : null}
                onSort={() => setSort(nextSort(sort, c.key))}
              />
            ))}
            <th scope="col">{t('table.status')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('table.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>{body}</tbody>
      </table>
    </div>
  )
}
