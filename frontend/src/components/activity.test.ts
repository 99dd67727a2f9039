import { describe, expect, it } from 'vitest'
import { makeOperation, makeUpgrade } from '../test/fixtures'
import { buildHistory } from './activity'

describe('buildHistory', () => {
  it('merges upgrade rows into their operations, keeps the rest, newest first', () => {
    const ops = [
      makeOperation({ id: 1, kind: 'backup', startedAt: '2025-10-30T02:00:00Z', finishedAt: '2025-10-30T02:00:05Z' }),
      makeOperation({
        id: 3,
        kind: 'upgrade',
        state: 'failed',
        facts: { upgradeId: 7, from: '1.2.0', to: '1.3.0' },
        startedAt: '2025-10-31T02:00:00Z',
        finishedAt: '2025-10-31T02:02:00Z',
        error: 'health window failed',
      }),
      makeOperation({ id: 4, kind: 'rollback', state: 'running', facts: { upgradeId: 6, from: '1.1.0', to: '1.2.0' }, startedAt: '2025-11-01T00:00:00Z', finishedAt: null }),
      makeOperation({ id: 2, kind: 'restore', state: 'recovered', facts: { backupId: 5, mode: 'app' }, startedAt: '2025-10-30T03:00:00Z', finishedAt: '2025-10-30T03:00:00Z' }),
    ]
    const ups = [
      makeUpgrade({ id: 7, status: 'rolled_back', durationMs: 120000, error: 'health window: web restarting' }),
      makeUpgrade({ id: 5, fromVersion: '1.0.0', toVersion: '1.1.0', startedAt: '2025-10-01T00:00:00Z', finishedAt: null, durationMs: 0 }),
    ]
    const got = buildHistory(ops, ups).map((r) => [r.key, r.kind, r.outcomeType, r.outcome, r.durationMs, r.from, r.to, r.backupId, r.upgradeId, r.mode, r.file, r.error])
    expect(got).toEqual([
      ['op-4', 'rollback', 'op', 'running', null, '1.1.0', '1.2.0', 0, 6, '', '', ''],
      ['op-3', 'upgrade', 'upgrade', 'rolled_back', 120000, '1.2.0', '1.3.0', 12, 7, '', '', 'health window: web restarting'],
      ['op-2', 'restore', 'op', 'recovered', 0, '', '', 5, 0, 'app', '', ''],
      ['op-1', 'backup', 'op', 'succeeded', 5000, '', '', 3, 0, '', 'backup_manual_v1.2.0_2025-10-30_02-00-00.tar.gz', ''],
      ['upgrade-5', 'upgrade', 'upgrade', 'succeeded', null, '1.0.0', '1.1.0', 12, 5, '', '', ''],
    ])
  })

  it('tolerates missing facts', () => {
    expect(buildHistory([makeOperation({ facts: null })], [])[0]).toMatchObject({ backupId: 0, file: '', mode: '' })
  })
})
