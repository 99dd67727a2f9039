import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('../../wailsjs/go/main/App', () => ({
  CheckUpgrade: vi.fn(),
  StartUpgrade: vi.fn(),
  ListUpgrades: vi.fn(),
  PlanRollback: vi.fn(),
  StartRollback: vi.fn(),
  ListOperations: vi.fn(),
}))

import * as App from '../../wailsjs/go/main/App'
import { checkUpgrade, listOperations, listUpgrades, planRollback, startRollback, startUpgrade } from './upgrades'

const m = vi.mocked(App)

describe('upgrade wrappers', () => {
  beforeEach(() => {
    m.StartRollback.mockResolvedValue('rollback-3')
  })

  it('normalises a preflight and passes the target through', async () => {
    m.CheckUpgrade.mockResolvedValue({ from: '1.2', to: '1.3', compose: 'docker-compose 1.29.2', images: null, problems: null, warnings: null } as never)
    expect(await checkUpgrade('1.3')).toMatchObject({ images: [], problems: [], warnings: [], to: '1.3' })
    expect(m.CheckUpgrade).toHaveBeenCalledWith('1.3')
  })

  it('rejects a refused check with the parsed AppError', async () => {
    m.CheckUpgrade.mockRejectedValue(new Error('{"code":"upgrade_same_version","message":"already 1.2","detail":"d"}'))
    await expect(checkUpgrade('1.2')).rejects.toEqual({ code: 'upgrade_same_version', message: 'already 1.2', detail: 'd' })
  })

  it('starts an upgrade with the request as given', async () => {
    m.StartUpgrade.mockResolvedValue('upgrade-1')
    const req = { to: '1.3', noRollback: false, healthWindowSeconds: 90 }
    expect(await startUpgrade(req)).toBe('upgrade-1')
    expect(m.StartUpgrade).toHaveBeenCalledWith(req)
  })

  it('fills omitted upgrade fields', async () => {
    m.ListUpgrades.mockResolvedValue([{ id: 7, fromVersion: '1.2', toVersion: '1.3', status: 'succeeded', imagesBefore: null } as never])
    expect(await listUpgrades()).toEqual([
      {
        id: 7,
        fromVersion: '1.2',
        toVersion: '1.3',
        status: 'succeeded',
        finishedAt: null,
        error: '',
        rollbackReason: '',
        imagesBefore: [],
        imagesAfter: [],
        rollbackHealthy: null,
      },
    ])
    m.ListUpgrades.mockResolvedValue(null as never)
    expect(await listUpgrades()).toEqual([])
  })

  it('plans and starts a rollback by upgrade id', async () => {
    m.PlanRollback.mockResolvedValue({ upgradeId: 7, images: null, steps: null } as never)
    expect(await planRollback(0)).toMatchObject({ upgradeId: 7, images: [], steps: [] })
    expect(m.PlanRollback).toHaveBeenCalledWith(0)
    expect(await startRollback(7)).toBe('rollback-3')
    expect(m.StartRollback).toHaveBeenCalledWith(7)
  })

  it('lists operations with facts as an object or null', async () => {
    m.ListOperations.mockResolvedValue([
      { id: 2, kind: 'upgrade', state: 'failed', facts: { upgradeId: 7 }, startedAt: 'a', updatedAt: 'b', pid: 1 },
      { id: 1, kind: 'backup', state: 'succeeded', facts: 'x', startedAt: 'a', updatedAt: 'b', finishedAt: 'c', error: 'e', pid: 1 },
    ] as never)
    const ops = await listOperations(50)
    expect(m.ListOperations).toHaveBeenCalledWith(50)
    expect(ops.map((o) => [o.facts, o.finishedAt, o.error])).toEqual([
      [{ upgradeId: 7 }, null, ''],
      [null, 'c', 'e'],
    ])
  })
})
