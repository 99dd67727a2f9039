import { act, renderHook } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'

vi.mock('../api', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../api')>()),
  listJobs: vi.fn(),
  onJobUpdate: vi.fn(),
}))

import * as api from '../api'
import type { Job } from '../api'
import { deferred, makeJob } from '../test/fixtures'
import { connectJobs, createJobStore, useJobs } from './jobs'

describe('createJobStore', () => {
  it('lists every job for the log, dismissed ones too, newest start first', () => {
    const store = createJobStore()
    store.apply(makeJob({ id: 'a', startedAt: '2025-10-31T01:00:00Z', state: 'succeeded' }))
    store.apply(makeJob({ id: 'b', startedAt: '2025-10-31T02:00:00Z' }))
    store.dismiss('a')
    expect(store.jobs().map((j) => j.id)).toEqual(['b'])
    expect(store.all().map((j) => j.id)).toEqual(['b', 'a'])
    const before = store.all()
    store.apply(makeJob({ id: 'b', startedAt: '2025-10-31T02:00:00Z', seq: 0 }))
    expect(store.all()).toBe(before)
  })

  it('keeps the highest seq per job whatever the arrival order', () => {
    const store = createJobStore()
    const arrivals = [3, 1, 5, 2, 4].map((seq) => makeJob({ seq, bytesDone: seq * 100 }))
    const applied = arrivals.map((j) => store.apply(j))
    expect(applied).toEqual([true, false, true, false, false])
    expect(store.get('job-1')?.seq).toBe(5)
    expect(store.get('job-1')?.bytesDone).toBe(500)
  })

  it('does not let a late running snapshot undo the final one', () => {
    const store = createJobStore()
    store.apply(makeJob({ seq: 9, state: 'succeeded', phase: 'done' }))
    store.apply(makeJob({ seq: 8, state: 'running', phase: 'archiving' }))
    expect(store.get('job-1')?.state).toBe('succeeded')
  })

  it('ignores a duplicate seq and keeps the array identity when nothing changed', () => {
    const store = createJobStore()
    store.apply(makeJob({ seq: 2 }))
    const before = store.jobs()
    expect(store.apply(makeJob({ seq: 2, message: 'dup' }))).toBe(false)
    store.applyAll([makeJob({ seq: 1 })])
    expect(store.jobs()).toBe(before)
  })

  it('tracks several jobs in start order and dismisses only finished ones', () => {
    const store = createJobStore()
    store.apply(makeJob({ id: 'b', startedAt: '2025-10-31T02:00:05Z' }))
    store.apply(makeJob({ id: 'a', startedAt: '2025-10-31T02:00:01Z', state: 'failed', seq: 4 }))
    expect(store.jobs().map((j) => j.id)).toEqual(['a', 'b'])
    store.dismiss('b')
    store.dismiss('a')
    expect(store.jobs().map((j) => j.id)).toEqual(['b'])
  })

  it('notifies subscribers and useJobs re-renders', () => {
    const store = createJobStore()
    const { result } = renderHook(() => useJobs(store))
    expect(result.current).toEqual([])
    act(() => {
      store.apply(makeJob({ seq: 1 }))
    })
    expect(result.current.map((j) => j.seq)).toEqual([1])
  })
})

describe('connectJobs', () => {
  function setup() {
    let emit: (job: Job) => void = () => {}
    const off = vi.fn()
    vi.mocked(api.onJobUpdate).mockImplementation((h) => {
      emit = h
      return off
    })
    const list = deferred<Job[]>()
    vi.mocked(api.listJobs).mockReturnValue(list.promise)
    return { emit: (j: Job) => emit(j), off, list }
  }

  it('subscribes before catching up, so a ListJobs result older than live events loses', async () => {
    const { emit, list } = setup()
    const store = createJobStore()
    const onFinal = vi.fn()
    connectJobs(store, onFinal)
    expect(api.onJobUpdate).toHaveBeenCalledBefore(vi.mocked(api.listJobs))
    emit(makeJob({ seq: 7, bytesDone: 700 }))
    list.resolve([makeJob({ seq: 3, bytesDone: 300 }), makeJob({ id: 'old', seq: 2, state: 'succeeded' })])
    await list.promise
    await Promise.resolve()
    expect(store.get('job-1')?.seq).toBe(7)
    expect(store.get('old')?.state).toBe('succeeded')
    // A job that had finished before we subscribed is history: not news, not shown.
    expect(onFinal).not.toHaveBeenCalled()
    expect(store.jobs().map((j) => j.id)).toEqual(['job-1'])
  })

  it('reports each final snapshot once, even when it arrives twice', async () => {
    const { emit, list } = setup()
    const store = createJobStore()
    const onFinal = vi.fn()
    connectJobs(store, onFinal)
    emit(makeJob({ seq: 1 }))
    emit(makeJob({ seq: 5, state: 'failed', error: { code: 'busy', message: 'busy', detail: '' } }))
    list.resolve([makeJob({ seq: 5, state: 'failed' })])
    await list.promise
    emit(makeJob({ seq: 4 }))
    expect(onFinal).toHaveBeenCalledTimes(1)
    expect(onFinal.mock.calls[0][0].state).toBe('failed')
  })

  it('stops listening with the returned function and ignores a late ListJobs', async () => {
    const { emit, off, list } = setup()
    const store = createJobStore()
    const disconnect = connectJobs(store)
    disconnect()
    expect(off).toHaveBeenCalledTimes(1)
    emit(makeJob({ seq: 1 }))
    list.resolve([makeJob({ id: 'late', seq: 1 })])
    await list.promise
    expect(store.jobs()).toEqual([])
  })
})
