import type { Operation, Upgrade } from '../api'

// The activity history: journal operations (backups, restores, upgrades, rollbacks) with
// the upgrade rows merged in, since they know more (versions, rolled back or not).

export interface HistoryRow {
  key: string
  kind: string
  /** Operation state, or for upgrades the upgrade's status (rolled_back, …). */
  outcome: string
  /** 'upgrade' outcomes use upgrade statuses; 'op' outcomes operation states. */
  outcomeType: 'op' | 'upgrade'
  startedAt: string
  finishedAt: string | null
  /** Milliseconds, when known. */
  durationMs: number | null
  error: string
  backupId: number
  upgradeId: number
  mode: string
  from: string
  to: string
  file: string
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0)
const str = (v: unknown) => (typeof v === 'string' ? v : '')
const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1)

function span(start: string, end: string | null): number | null {
  if (!end) return null
  const ms = Date.parse(end) - Date.parse(start)
  return Number.isFinite(ms) && ms >= 0 ? ms : null
}

function upgradeRow(u: Upgrade): HistoryRow {
  return {
    key: `upgrade-${u.id}`,
    kind: 'upgrade',
    outcome: u.status,
    outcomeType: 'upgrade',
    startedAt: u.startedAt,
    finishedAt: u.finishedAt,
    durationMs: u.durationMs > 0 ? u.durationMs : span(u.startedAt, u.finishedAt),
    error: u.error,
    backupId: u.backupId,
    upgradeId: u.id,
    mode: '',
    from: u.fromVersion,
    to: u.toVersion,
    file: '',
  }
}

/** buildHistory merges operations and upgrades into one list, newest first. */
export function buildHistory(ops: readonly Operation[], upgrades: readonly Upgrade[]): HistoryRow[] {
  const byId = new Map(upgrades.map((u) => [u.id, u]))
  const covered = new Set<number>()
  const rows: HistoryRow[] = []
  for (const op of ops) {
    const f = op.facts ?? {}
    const upgradeId = num(f.upgradeId)
    const up = byId.get(upgradeId)
    if (op.kind === 'upgrade' && up) {
      covered.add(up.id)
      rows.push({ ...upgradeRow(up), key: `op-${op.id}`, error: up.error || op.error })
      continue
    }
    rows.push({
      key: `op-${op.id}`,
      kind: op.kind,
      outcome: op.state,
      outcomeType: 'op',
      startedAt: op.startedAt,
      finishedAt: op.finishedAt,
      durationMs: span(op.startedAt, op.finishedAt),
      error: op.error,
      backupId: num(f.backupId),
      upgradeId,
      mode: str(f.mode),
      from: str(f.from) || up?.fromVersion || '',
      to: str(f.to) || up?.toVersion || '',
      file: baseName(str(f.final)),
    })
  }
  for (const u of upgrades) if (!covered.has(u.id)) rows.push(upgradeRow(u))
  return rows.sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt) || b.key.localeCompare(a.key))
}
