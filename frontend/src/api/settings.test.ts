import { describe, expect, it, vi } from 'vitest'

vi.mock('../../wailsjs/go/main/App', () => ({
  GetSettings: vi.fn(),
  SaveSettings: vi.fn(),
  PruneBackups: vi.fn(),
  StartMoveStorage: vi.fn(),
}))

import * as App from '../../wailsjs/go/main/App'
import { getSettings, pruneBackups, saveSettings, startMoveStorage } from './settings'

const m = vi.mocked(App)

describe('settings wrappers', () => {
  it('fills null lists and a missing retention policy', async () => {
    m.GetSettings.mockResolvedValue({ dataPaths: null, excludes: null, versionKey: 'APP_VERSION', storageDir: '/b' } as never)
    expect(await getSettings()).toEqual({
      dataPaths: [],
      excludes: [],
      versionKey: 'APP_VERSION',
      storageDir: '/b',
      retention: { keepLast: 0, keepDays: 0 },
    })
  })

  it('saves and returns what the Go side stored', async () => {
    const s = { dataPaths: ['data'], excludes: ['tmp'], versionKey: 'V', storageDir: '/b', retention: { keepLast: 5, keepDays: 0 } }
    m.SaveSettings.mockResolvedValue({ ...s, excludes: null } as never)
    expect(await saveSettings(s)).toEqual({ ...s, excludes: [] })
    expect(m.SaveSettings).toHaveBeenCalledWith(s)
  })

  it('prunes (dry run or not) and moves storage', async () => {
    m.PruneBackups.mockResolvedValue({ dryRun: true, removed: null, kept: null, bytes: 0 } as never)
    expect(await pruneBackups(true)).toEqual({ dryRun: true, removed: [], kept: [], bytes: 0 })
    expect(m.PruneBackups).toHaveBeenCalledWith(true)
    m.StartMoveStorage.mockRejectedValue(new Error('{"code":"busy","message":"backup running","detail":""}'))
    await expect(startMoveStorage('/new')).rejects.toMatchObject({ code: 'busy' })
    expect(m.StartMoveStorage).toHaveBeenCalledWith('/new')
  })
})
