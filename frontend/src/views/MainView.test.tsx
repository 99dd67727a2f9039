import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('../api', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../api')>()),
  getStatus: vi.fn(),
  listBackups: vi.fn(),
  getBackup: vi.fn(),
  startBackup: vi.fn(),
  startVerify: vi.fn(),
  deleteBackup: vi.fn(),
  planRestore: vi.fn(),
  startRestore: vi.fn(),
  listJobs: vi.fn(),
  cancelJob: vi.fn(),
  onJobUpdate: vi.fn(),
  checkUpgrade: vi.fn(),
  startUpgrade: vi.fn(),
  planRollback: vi.fn(),
  startRollback: vi.fn(),
  listOperations: vi.fn(),
  listUpgrades: vi.fn(),
  getSettings: vi.fn(),
  saveSettings: vi.fn(),
  pruneBackups: vi.fn(),
  startMoveStorage: vi.fn(),
}))

import * as api from '../api'
import type { Job } from '../api'
import { makeBackup, makeDetails, makeJob, makeOperation, makePlan, makeSettings, makeStatus, makeUpgrade } from '../test/fixtures'
import { axeViolations, renderUI } from '../test/render'
import { MainView } from './MainView'

const m = vi.mocked(api)
let emit: (job: Job) => void
const off = vi.fn()

const backups = [
  makeBackup({ id: 1, createdAt: '2025-10-30T02:00:00Z' }),
  makeBackup({ id: 2, createdAt: '2025-10-31T02:00:00Z', type: 'pre-upgrade' }),
]

describe('MainView', () => {
  beforeEach(() => {
    m.getStatus.mockResolvedValue(makeStatus())
    m.listBackups.mockResolvedValue(backups)
    m.listJobs.mockResolvedValue([])
    m.getBackup.mockResolvedValue(makeDetails())
    m.planRestore.mockImplementation(async (id, mode) => makePlan({ backupId: id, mode }))
    m.startBackup.mockResolvedValue('job-1')
    m.startVerify.mockResolvedValue('job-2')
    m.cancelJob.mockResolvedValue(undefined)
    m.deleteBackup.mockResolvedValue(undefined)
    m.onJobUpdate.mockImplementation((h) => {
      emit = h
      return off
    })
    m.planRollback.mockRejectedValue({ code: 'nothing_to_roll_back', message: 'none', detail: '' })
    m.listOperations.mockResolvedValue([makeOperation()])
    m.listUpgrades.mockResolvedValue([])
    m.getSettings.mockResolvedValue(makeSettings())
  })

  it('loads the status and the backups and summarises them', async () => {
    renderUI(<MainView />)
    expect(await screen.findByRole('button', { name: 'Details of backup #2' })).toBeInTheDocument()
    expect(screen.getByText('2 backups: 2 restorable, 0 not restorable, 3.0 MiB in total')).toBeInTheDocument()
    expect(screen.getByRole('banner')).toHaveTextContent('/srv/shop')
  })

  it('creates a backup with the stop-services option and shows its progress', async () => {
    const user = userEvent.setup()
    renderUI(<MainView />)
    await user.click(await screen.findByRole('button', { name: 'Create backup' }))
    const dialog = screen.getByRole('dialog', { name: 'Create backup' })
    const stop = within(dialog).getByRole('checkbox', { name: /Stop the services during the backup/ })
    expect(stop).toBeChecked()
    await user.type(within(dialog).getByRole('textbox', { name: 'Description (optional)' }), 'before tweak')
    await user.click(stop)
    await user.click(within(dialog).getByRole('button', { name: 'Start backup' }))
    expect(m.startBackup).toHaveBeenCalledWith({ type: 'manual', description: 'before tweak', stopServices: false, compression: 'gzip' })
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument()

    act(() => emit(makeJob({ seq: 1 })))
    expect(screen.getByRole('progressbar', { name: 'Backup of shop' })).toHaveAttribute('aria-valuenow', '25')
    expect(screen.getByRole('button', { name: 'Create backup' })).toBeDisabled()
    await user.click(screen.getByRole('button', { name: 'Cancel Backup of shop' }))
    expect(m.cancelJob).toHaveBeenCalledWith('job-1')

    m.listBackups.mockClear()
    act(() => emit(makeJob({ seq: 3, state: 'canceled', phase: 'done' })))
    act(() => emit(makeJob({ seq: 2 })))
    expect(screen.getByText('Cancelled. Nothing was changed.')).toBeInTheDocument()
    await waitFor(() => expect(m.listBackups).toHaveBeenCalledTimes(1))
    expect(screen.getByRole('button', { name: 'Create backup' })).toBeEnabled()
  })

  it('opens details for a row and closes them', async () => {
    const user = userEvent.setup()
    renderUI(<MainView />)
    await user.click(await screen.findByRole('button', { name: 'Details of backup #1' }))
    expect(await screen.findByRole('region', { name: 'Backup #1' })).toBeInTheDocument()
    await user.click(screen.getByRole('button', { name: 'Close details' }))
    expect(screen.queryByRole('region', { name: 'Backup #1' })).not.toBeInTheDocument()
  })

  it('restores from a row with that backup preselected', async () => {
    m.startRestore.mockResolvedValue('job-r')
    const user = userEvent.setup()
    renderUI(<MainView />)
    await user.click(await screen.findByRole('button', { name: 'Restore backup #1' }))
    const dialog = screen.getByRole('dialog', { name: 'Select the backup to restore' })
    await waitFor(() => expect(within(dialog).getByRole('radio', { name: 'Backup #1' })).toBeChecked())
    await within(dialog).findByRole('region', { name: 'What will change' })
    await user.click(within(dialog).getByRole('button', { name: 'Restore' }))
    expect(m.startRestore).toHaveBeenCalledWith(1, 'app', '')
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument()
  })

  it('confirms a delete in an alert dialog with Cancel focused, warning about the newest pre-upgrade backup', async () => {
    const user = userEvent.setup()
    renderUI(<MainView />)
    await user.click(await screen.findByRole('button', { name: 'Delete backup #2' }))
    const dialog = screen.getByRole('alertdialog', { name: 'Delete backup #2?' })
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(dialog).toHaveTextContent('This is the newest pre-upgrade backup.')
    await user.keyboard('{Escape}')
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument()
    expect(m.deleteBackup).not.toHaveBeenCalled()

    await user.click(screen.getByRole('button', { name: 'Delete backup #1' }))
    const second = screen.getByRole('alertdialog', { name: 'Delete backup #1?' })
    expect(second).not.toHaveTextContent('newest pre-upgrade')
    m.listBackups.mockResolvedValue([backups[1]])
    await user.click(within(second).getByRole('button', { name: 'Delete' }))
    expect(m.deleteBackup).toHaveBeenCalledWith(1)
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Details of backup #1' })).not.toBeInTheDocument())
  })

  it('reaches the empty state of the restore dialog when there are no backups', async () => {
    m.listBackups.mockResolvedValue([])
    const user = userEvent.setup()
    renderUI(<MainView />)
    expect(await screen.findByText('No backups yet. Use "Create backup" to make the first one.')).toBeInTheDocument()
    await user.click(screen.getByRole('button', { name: 'Restore…' }))
    const dialog = screen.getByRole('dialog', { name: 'Select the backup to restore' })
    expect(await within(dialog).findByText('No backups yet')).toBeInTheDocument()
  })

  it('shows a refused verify as an error', async () => {
    m.startVerify.mockRejectedValue({ code: 'busy', message: 'restore #3 is running', detail: '' })
    const user = userEvent.setup()
    renderUI(<MainView />)
    await user.click(await screen.findByRole('button', { name: 'Verify backup #1' }))
    expect(await screen.findByRole('alert')).toHaveTextContent('restore #3 is running')
  })

  it('shows a failed list with Retry', async () => {
    m.listBackups.mockRejectedValueOnce({ code: 'internal', message: 'catalog closed', detail: '' })
    const user = userEvent.setup()
    renderUI(<MainView />)
    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('Could not load the backups')
    await user.click(within(alert).getByRole('button', { name: 'Retry' }))
    expect(await screen.findByRole('button', { name: 'Details of backup #1' })).toBeInTheDocument()
  })

  it('unsubscribes from job events on unmount', async () => {
    const { unmount } = renderUI(<MainView />)
    await screen.findByRole('button', { name: 'Details of backup #1' })
    unmount()
    expect(off).toHaveBeenCalled()
  })

  it('switches views with the tabs and keeps the header', async () => {
    const user = userEvent.setup()
    m.getStatus.mockResolvedValue(makeStatus({ lastUpgrade: makeUpgrade({ status: 'rolled_back', rollbackHealthy: true }) }))
    renderUI(<MainView />)
    await screen.findByRole('button', { name: 'Details of backup #1' })
    const banner = screen.getByRole('banner')
    expect(banner).toHaveTextContent('Last upgrade#7 1.2.0 → 1.3.0Rolled back')
    const tabs = within(banner).getByRole('tablist', { name: 'Views' })
    expect(within(tabs).getAllByRole('tab').map((t) => t.textContent)).toEqual(['Backups', 'Upgrade', 'Activity', 'Settings'])

    await user.click(within(tabs).getByRole('tab', { name: 'Upgrade' }))
    expect(screen.getByRole('tabpanel', { name: 'Upgrade' })).toHaveTextContent('Upgrade the deployment')
    expect(document.getElementById('view-panel-backups')).not.toBeVisible()
    await user.keyboard('{ArrowRight}')
    expect(await screen.findByRole('table', { name: 'Operations on this deployment, newest first' })).toBeInTheDocument()
    await user.keyboard('{ArrowRight}')
    expect(await screen.findByRole('heading', { name: 'Storage directory' })).toBeInTheDocument()
    expect(m.getSettings).toHaveBeenCalledTimes(1)
    await user.keyboard('{Home}')
    expect(screen.getByRole('tabpanel', { name: 'Backups' })).toBeVisible()
    expect(screen.getByRole('banner')).toHaveTextContent('/srv/shop')
  })

  it('leaves upgrade jobs to the Upgrade view and shows them in the shared panel elsewhere', async () => {
    const user = userEvent.setup()
    renderUI(<MainView />)
    await screen.findByRole('button', { name: 'Details of backup #1' })
    act(() => emit(makeJob({ id: 'upgrade-1', kind: 'upgrade', title: 'Upgrade of shop to 1.3.0', phase: 'upgrading', bytesTotal: 0 })))
    expect(screen.getByRole('region', { name: 'Jobs' })).toHaveTextContent('Upgrade of shop to 1.3.0')
    await user.click(screen.getByRole('tab', { name: 'Upgrade' }))
    expect(screen.queryByRole('region', { name: 'Jobs' })).not.toBeInTheDocument()
    const live = screen.getByRole('region', { name: 'Upgrade of shop to 1.3.0' })
    expect(within(live).getByText('Switch version').closest('li')).toHaveAttribute('aria-current', 'step')
  })

  it.each(['Backups', 'Upgrade', 'Activity', 'Settings'])('has no axe violations on the %s view', async (name) => {
    const user = userEvent.setup()
    const { container } = renderUI(<MainView />)
    await screen.findByRole('button', { name: 'Details of backup #1' })
    await user.click(screen.getByRole('tab', { name }))
    await waitFor(() => expect(screen.getByRole('tabpanel', { name })).not.toHaveTextContent(/Loading/))
    expect(await axeViolations(container)).toEqual([])
  })
})
