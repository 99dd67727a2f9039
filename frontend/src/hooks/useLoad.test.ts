import { act, renderHook, waitFor } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import type { AppError } from '../api'
import { deferred } from '../test/fixtures'
import { useLoad } from './useLoad'

const boom: AppError = { code: 'internal', message: 'catalog closed', detail: '' }

describe('useLoad', () => {
  it('goes from loading to ready', async () => {
    const answer = deferred<string[]>()
    const { result } = renderHook(() => useLoad(() => answer.promise, []))
    expect(result.current).toMatchObject({ state: 'loading', data: undefined, error: null })
    await act(async () => answer.resolve(['a']))
    expect(result.current).toMatchObject({ state: 'ready', data: ['a'], error: null })
  })

  it('shows an error, and reload shows loading again, then the answer', async () => {
    const fetcher = vi.fn<() => Promise<number>>().mockRejectedValueOnce(boom)
    const { result } = renderHook(() => useLoad(fetcher, []))
    await waitFor(() => expect(result.current.state).toBe('error'))
    expect(result.current.error).toEqual(boom)

    const again = deferred<number>()
    fetcher.mockReturnValueOnce(again.promise)
    act(() => result.current.reload())
    expect(result.current.state).toBe('loading')
    await act(async () => again.resolve(7))
    expect(result.current).toMatchObject({ state: 'ready', data: 7 })
    expect(fetcher).toHaveBeenCalledTimes(2)
  })

  it('drops the answer to older deps: the newest request wins whatever the order', async () => {
    const answers = new Map([1, 2].map((id) => [id, deferred<string>()]))
    const { result, rerender } = renderHook(({ id }) => useLoad(() => answers.get(id)!.promise, [id]), { initialProps: { id: 1 } })
    rerender({ id: 2 })
    expect(result.current.state).toBe('loading')
    await act(async () => answers.get(2)!.resolve('two'))
    await act(async () => answers.get(1)!.resolve('one'))
    expect(result.current).toMatchObject({ state: 'ready', data: 'two' })
  })

  it('drops an older error too, and an answer that comes after unmount', async () => {
    const answers = [deferred<string>(), deferred<string>()]
    let n = 0
    const { result, unmount } = renderHook(() => useLoad(() => answers[n++].promise, []))
    act(() => result.current.reload())
    await act(async () => answers[0].reject(boom))
    expect(result.current.state).toBe('loading')
    const errors = vi.spyOn(console, 'error')
    unmount()
    await act(async () => answers[1].resolve('late'))
    expect(errors).not.toHaveBeenCalled()
  })

  it('refreshes quietly, keeps what it showed when the refresh fails, and takes what set gives', async () => {
    const fetcher = vi.fn<() => Promise<string>>().mockResolvedValueOnce('first')
    const { result } = renderHook(() => useLoad(fetcher, []))
    await waitFor(() => expect(result.current.data).toBe('first'))

    const next = deferred<string>()
    fetcher.mockReturnValueOnce(next.promise)
    act(() => result.current.refresh())
    expect(result.current).toMatchObject({ state: 'ready', data: 'first' })
    await act(async () => next.reject(boom))
    expect(result.current).toMatchObject({ state: 'error', data: 'first', error: boom })

    const slow = deferred<string>()
    fetcher.mockReturnValueOnce(slow.promise)
    act(() => result.current.refresh())
    act(() => result.current.set('saved'))
    await act(async () => slow.resolve('stale'))
    expect(result.current).toMatchObject({ state: 'ready', data: 'saved' })
  })

  it('is idle without a fetcher and loads once it has one', async () => {
    const { result, rerender } = renderHook(({ id }) => useLoad(id === null ? null : async () => `plan ${id}`, [id]), {
      initialProps: { id: null as number | null },
    })
    expect(result.current.state).toBe('idle')
    rerender({ id: 3 })
    await waitFor(() => expect(result.current).toMatchObject({ state: 'ready', data: 'plan 3' }))
    rerender({ id: null })
    expect(result.current.state).toBe('idle')
  })

  it('with keep, new deps refresh quietly', async () => {
    const answers = new Map([1, 2].map((v) => [v, deferred<string>()]))
    const { result, rerender } = renderHook(({ v }) => useLoad(() => answers.get(v)!.promise, [v], { keep: true }), {
      initialProps: { v: 1 },
    })
    await act(async () => answers.get(1)!.resolve('one'))
    rerender({ v: 2 })
    expect(result.current).toMatchObject({ state: 'ready', data: 'one' })
    await act(async () => answers.get(2)!.resolve('two'))
    expect(result.current).toMatchObject({ state: 'ready', data: 'two' })
  })
})
