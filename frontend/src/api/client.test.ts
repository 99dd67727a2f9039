import { beforeEach, describe, expect, it, vi } from 'vitest'

// The generated bindings and runtime are mocked: tests never touch window.go.
vi.mock('../../wailsjs/go/main/App', () => ({
  GetStatus: vi.fn(),
  ListBackups: vi.fn(),
  GetBackup: vi.fn(),
  StartBackup: vi.fn(),
  StartVerify: vi.fn(),
  DeleteBackup: vi.fn(),
  PlanRestore: vi.fn(),
  StartRestore: vi.fn(),
  ListJobs: vi.fn(),
  CancelJob: vi.fn(),
}))
vi.mock('../../wailsjs/runtime/runtime', () => ({ EventsOn: vi.fn(), EventsOff: vi.fn() }))

import * as App from '../../wailsjs/go/main/App'
import * as runtime from '../../wailsjs/runtime/runtime'
import { getStatus, listBackups, onJobUpdate, planRestore, startBackup, startRestore } from './client'
import { makeJob } from '../test/fixtures'

describe('api client', () => {
  beforeEach(() => {
    vi.mocked(App.ListBackups).mockResolvedValue([])
  })

  it('rejects with a parsed AppError', async () => {
    vi.mocked(App.StartRestore).mockRejectedValue(new Error('{"code":"confirmation","message":"name mismatch","detail":""}'))
    await expect(startRestore(1, 'full', 'shp')).rejects.toEqual({ code: 'confirmation', message: 'name mismatch', detail: '' })
    expect(App.StartRestore).toHaveBeenCalledWith(1, 'full', 'shp')
  })

  it('sends an empty version so the Go side reads it from .env', async () => {
    vi.mocked(App.StartBackup).mockResolvedValue('job-1')
    expect(await startBackup({ type: 'manual', description: 'd', stopServices: true, compression: 'zstd' })).toBe('job-1')
    expect(App.StartBackup).toHaveBeenCalledWith({ version: '', type: 'manual', description: 'd', stopServices: true, compression: 'zstd' })
  })

  it('turns null slices into arrays', async () => {
    vi.mocked(App.ListBackups).mockResolvedValue(null as never)
    expect(await listBackups()).toEqual([])
    vi.mocked(App.ListBackups).mockResolvedValue([{ id: 1, warnings: null }] as never)
    expect(await listBackups()).toEqual([{ id: 1, warnings: [] }])
    vi.mocked(App.GetStatus).mockResolvedValue({ version: '1', docker: { reachable: false, error: 'x' }, services: null } as never)
    expect(await getStatus()).toEqual({
      version: '1',
      docker: { reachable: false, error: 'x' },
      services: [],
      deployment: null,
      lastUpgrade: null,
      recovery: [],
    })
    vi.mocked(App.PlanRestore).mockResolvedValue({ backupId: 1, containers: null } as never)
    expect(await planRestore(1, 'app')).toMatchObject({ containers: [], targets: [] })
  })

  it('subscribes to job:update and unsubscribes with the function EventsOn returned', () => {
    const off = vi.fn()
    let emit: (j: unknown) => void = () => {}
    vi.mocked(runtime.EventsOn).mockImplementation((_name: string, cb: (...d: unknown[]) => void) => {
      emit = cb
      return off
    })
    const seen: string[] = []
    const unsubscribe = onJobUpdate((j) => {
      expect(j.log).toEqual([])
      seen.push(j.id)
    })
    expect(runtime.EventsOn).toHaveBeenCalledWith('job:update', expect.any(Function))
    emit({ ...makeJob({ id: 'a' }), log: null })
    unsubscribe()
    expect(seen).toEqual(['a'])
    expect(off).toHaveBeenCalledTimes(1)
    expect(runtime.EventsOff).not.toHaveBeenCalled()
  })
})
