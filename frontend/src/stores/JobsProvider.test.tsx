import { act, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('../api', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../api')>()),
  listJobs: vi.fn(),
  onJobUpdate: vi.fn(),
  cancelJob: vi.fn(),
}))

import * as api from '../api'
import type { Job, JobKind } from '../api'
import { deferred, makeJob } from '../test/fixtures'
import { renderWithJobs, stubJobFeed } from '../test/render'
import { useJobsContext, useRefreshOnJobs } from './JobsProvider'

const m = vi.mocked(api)

function Watcher({ kinds, refresh, shown }: { kinds: readonly JobKind[]; refresh: () => void; shown?: boolean }) {
  useRefreshOnJobs(kinds, refresh, shown)
  const { jobs, busy, cancel, canceling, cancelError } = useJobsContext()
  return (
    <div>
      <p>{busy ? 'busy' : 'idle'}</p>
      {jobs.map((j) => (
        <button key={j.id} type="button" disabled={canceling.has(j.id)} onClick={() => cancel(j.id)}>
          {`Cancel ${j.id}`}
        </button>
      ))}
      {cancelError && <p role="alert">{cancelError.message}</p>}
    </div>
  )
}

const final = (over: Partial<Job>) => makeJob({ seq: 9, state: 'succeeded', phase: 'done', ...over })

describe('JobsProvider', () => {
  let emit: (job: Job) => void
  beforeEach(() => {
    emit = stubJobFeed(m)
  })

  it('refreshes a view when a job of a kind it follows ends, and only then', () => {
    const refresh = vi.fn()
    renderWithJobs(<Watcher kinds={['backup', 'restore']} refresh={refresh} />)
    emit(makeJob({ id: 'b1', kind: 'backup', seq: 1 }))
    expect(screen.getByText('busy')).toBeInTheDocument()
    expect(refresh).not.toHaveBeenCalled()
    emit(final({ id: 'm1', kind: 'move' }))
    emit(final({ id: 'v1', kind: 'verify', state: 'failed' }))
    expect(refresh).not.toHaveBeenCalled()
    emit(final({ id: 'b1', kind: 'backup', state: 'canceled' }))
    expect(refresh).toHaveBeenCalledTimes(1)
    emit(final({ id: 'b1', kind: 'backup', seq: 10, state: 'canceled' })) // the same end, again
    emit(final({ id: 'r1', kind: 'restore', state: 'failed' }))
    expect(refresh).toHaveBeenCalledTimes(2)
    expect(screen.getByText('idle')).toBeInTheDocument()
  })

  it('lets a hidden view wait: it refreshes when shown again', () => {
    const refresh = vi.fn()
    const { rerender } = renderWithJobs(<Watcher kinds={['backup']} refresh={refresh} shown={false} />)
    emit(final({ kind: 'backup' }))
    expect(refresh).not.toHaveBeenCalled()
    rerender(<Watcher kinds={['backup']} refresh={refresh} shown />)
    expect(refresh).toHaveBeenCalledTimes(1)
    emit(final({ id: 'b2', kind: 'backup' }))
    expect(refresh).toHaveBeenCalledTimes(2)
  })

  it('calls the newest refresh it was given', () => {
    const first = vi.fn()
    const second = vi.fn()
    const { rerender } = renderWithJobs(<Watcher kinds={['upgrade']} refresh={first} />)
    rerender(<Watcher kinds={['upgrade', 'rollback']} refresh={second} />)
    emit(final({ id: 'rb', kind: 'rollback' }))
    expect(first).not.toHaveBeenCalled()
    expect(second).toHaveBeenCalledTimes(1)
  })

  it('cancels a job, marks the request in flight and shows a refusal', async () => {
    const answer = deferred<void>()
    m.cancelJob.mockReturnValue(answer.promise)
    const user = userEvent.setup()
    renderWithJobs(<Watcher kinds={[]} refresh={() => {}} />, { jobs: [makeJob({ id: 'restore-3', kind: 'restore' })] })
    await user.click(screen.getByRole('button', { name: 'Cancel restore-3' }))
    expect(m.cancelJob).toHaveBeenCalledWith('restore-3')
    expect(screen.getByRole('button', { name: 'Cancel restore-3' })).toBeDisabled()
    await act(async () => answer.reject({ code: 'internal', message: 'this job cannot be cancelled at this point', detail: '' }))
    await waitFor(() => expect(screen.getByRole('button', { name: 'Cancel restore-3' })).toBeEnabled())
    expect(screen.getByRole('alert')).toHaveTextContent('cannot be cancelled at this point')
  })
})
