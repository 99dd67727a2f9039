import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import type { Job } from '../api'
import { I18nProvider } from '../i18n'
import { makeJob } from '../test/fixtures'
import { axeViolations, renderUI } from '../test/render'
import { ProgressPanel } from './ProgressPanel'

function setup(jobs: Job[], canceling = new Set<string>()) {
  const onCancel = vi.fn()
  const onDismiss = vi.fn()
  renderUI(<ProgressPanel jobs={jobs} onCancel={onCancel} onDismiss={onDismiss} canceling={canceling} />)
  return { onCancel, onDismiss, user: userEvent.setup() }
}

describe('ProgressPanel', () => {
  it('renders nothing without jobs', () => {
    setup([])
    expect(screen.queryByRole('region')).not.toBeInTheDocument()
  })

  it('shows phase, amounts of totals, rate, ETA and a progress bar', () => {
    setup([makeJob()])
    const panel = screen.getByRole('region', { name: 'Jobs' })
    expect(within(panel).getByText('Archiving')).toBeInTheDocument()
    expect(panel).toHaveTextContent('1.0 MiB of 4.0 MiB')
    expect(panel).toHaveTextContent('10 of 40')
    expect(panel).toHaveTextContent('2.0 MiB/s')
    expect(panel).toHaveTextContent('2 s')
    const bar = within(panel).getByRole('progressbar', { name: 'Backup of shop' })
    expect(bar).toHaveAttribute('aria-valuenow', '25')
  })

  it('says unknown for unknown totals and ETA and leaves the bar indeterminate', () => {
    setup([makeJob({ bytesTotal: 0, filesTotal: 0, etaSeconds: -1, rate: 0, phase: 'stopping' })])
    const panel = screen.getByRole('region', { name: 'Jobs' })
    expect(panel).toHaveTextContent('1.0 MiB of unknown')
    expect(panel).toHaveTextContent('Time leftunknown')
    const bar = screen.getByRole('progressbar')
    expect(bar).not.toHaveAttribute('aria-valuenow')
    expect(bar).toHaveAttribute('aria-valuetext', 'Stopping services')
  })

  it('offers Cancel only for a running cancellable job', async () => {
    const { onCancel, user } = setup([
      makeJob({ id: 'a', title: 'Backup A' }),
      makeJob({ id: 'b', title: 'Restore B', kind: 'restore', phase: 'swapping', cancellable: false }),
    ])
    expect(screen.queryByRole('button', { name: 'Cancel Restore B' })).not.toBeInTheDocument()
    await user.click(screen.getByRole('button', { name: 'Cancel Backup A' }))
    expect(onCancel).toHaveBeenCalledWith('a')
  })

  it('hides Cancel once a snapshot says the job passed its commit point', () => {
    const restore = makeJob({ id: 'r', kind: 'restore', title: 'Restore #3', phase: 'extracting' })
    const panel = (job: Job) => <ProgressPanel jobs={[job]} onCancel={() => {}} onDismiss={() => {}} />
    const { rerender } = render(panel(restore), { wrapper: I18nProvider })
    expect(screen.getByRole('button', { name: 'Cancel Restore #3' })).toBeEnabled()
    expect(screen.queryByText(/can no longer be cancelled/)).not.toBeInTheDocument()
    rerender(panel({ ...restore, seq: 2, phase: 'swapping', cancellable: false, committed: true }))
    expect(screen.queryByRole('button', { name: 'Cancel Restore #3' })).not.toBeInTheDocument()
    expect(screen.getByText('Finishing: it can no longer be cancelled')).toBeInTheDocument()
  })

  it('disables Cancel while the request is in flight', () => {
    setup([makeJob({ id: 'a', title: 'Backup A' })], new Set(['a']))
    expect(screen.getByRole('button', { name: 'Cancel Backup A' })).toBeDisabled()
    expect(screen.getByRole('button', { name: 'Cancel Backup A' })).toHaveTextContent('Cancelling…')
  })

  it('tells the truth about the outcome', async () => {
    const { onDismiss, user } = setup([
      makeJob({ id: 'ok', title: 'Backup OK', state: 'succeeded', phase: 'done', seq: 9 }),
      makeJob({
        id: 'bad',
        title: 'Restore X',
        state: 'failed',
        phase: 'extracting',
        seq: 9,
        error: { code: 'checksum', message: 'archive checksum mismatch', detail: 'want ab, got cd' },
      }),
      makeJob({ id: 'stop', title: 'Verify Y', state: 'canceled', seq: 3 }),
    ])
    expect(screen.getByText('Finished successfully.')).toBeInTheDocument()
    const alert = screen.getByRole('alert')
    expect(alert).toHaveTextContent('Restore X failed')
    expect(alert).toHaveTextContent('archive checksum mismatch')
    expect(screen.getByText('Cancelled. Nothing was changed.')).toBeInTheDocument()
    expect(screen.queryByRole('button', { name: /^Cancel / })).not.toBeInTheDocument()
    await user.click(screen.getByRole('button', { name: 'Dismiss Backup OK' }))
    expect(onDismiss).toHaveBeenCalledWith('ok')
  })

  it('says "Rolled back" for an upgrade that failed and was rolled back, and still explains why', () => {
    setup([
      makeJob({
        id: 'up',
        kind: 'upgrade',
        title: 'Upgrade to 3',
        state: 'failed',
        seq: 4,
        result: { outcome: 'rolled_back' },
        error: { code: 'upgrade_failed', message: 'the service did not become healthy', detail: '' },
      }),
      makeJob({ id: 'up2', kind: 'upgrade', title: 'Upgrade to 4', state: 'failed', seq: 5, result: { outcome: 'rollback_failed' } }),
    ])
    const [rolled, broken] = screen.getAllByRole('listitem').filter((li) => li.classList.contains('job'))
    expect(within(rolled).getByText('Rolled back')).toHaveClass('badge-warn')
    expect(within(rolled).queryByText('Failed')).not.toBeInTheDocument()
    expect(within(rolled).getByRole('alert')).toHaveTextContent('the service did not become healthy')
    expect(within(broken).getByText('Failed')).toHaveClass('badge-bad')
  })

  it('shows the job log behind a disclosure', () => {
    setup([makeJob({ state: 'succeeded', seq: 5, log: ['service web was not running', 'skipped data/tmp'] })])
    const log = screen.getByText('Log (2 lines)').closest('details')!
    expect(within(log).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'service web was not running',
      'skipped data/tmp',
    ])
  })

  it('has no axe violations', async () => {
    setup([makeJob(), makeJob({ id: 'f', state: 'failed', error: { code: 'internal', message: 'x', detail: 'y' } })])
    expect(await axeViolations(screen.getByRole('region', { name: 'Jobs' }))).toEqual([])
  })
})
