import type { Backup } from '../api'

export type SortKey = 'type' | 'id' | 'createdAt' | 'version' | 'size' | 'fileCount'
export type SortDir = 'ascending' | 'descending'
export interface Sort {
  key: SortKey
  dir: SortDir
}

export const defaultSort: Sort = { key: 'createdAt', dir: 'descending' }

function compare(a: Backup, b: Backup, key: SortKey): number {
  switch (key) {
    case 'type':
      return a.type.localeCompare(b.type)
    case 'version':
      return a.version.localeCompare(b.version, undefined, { numeric: true })
    case 'createdAt':
      return Date.parse(a.createdAt) - Date.parse(b.createdAt)
    default:
      return (a[key] ?? 0) - (b[key] ?? 0)
  }
}

/** sortBackups returns a sorted copy; ties fall back to the id so the order is stable. */
export function sortBackups(list: readonly Backup[], sort: Sort): Backup[] {
  const sign = sort.dir === 'ascending' ? 1 : -1
  return [...list].sort((a, b) => sign * (compare(a, b, sort.key) || a.id - b.id))
}

/** nextSort: a new column starts descending for numbers and dates, ascending for text. */
export function nextSort(current: Sort, key: SortKey): Sort {
  if (current.key === key) {
    return { key, dir: current.dir === 'ascending' ? 'descending' : 'ascending' }
  }
  const textual = key === 'type' || key === 'version'
  return { key, dir: textual ? 'ascending' : 'descending' }
}
