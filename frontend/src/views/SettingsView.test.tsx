import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('../api', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../api')>()),
  getSettings: vi.fn(),
  saveSettings: vi.fn(),
  pruneBackups: vi.fn(),
  startMoveStorage: vi.fn(),
  listJobs: vi.fn(),
  onJobUpdate: vi.fn(),
}))

import * as api from '../api'
import type { Job } from '../api'
import { makeBackup, makeJob, makeSettings } from '../test/fixtures'
import { axeViolations, renderWithJobs, stubJobFeed } from '../test/render'
import { SettingsView } from './SettingsView'

const m = vi.mocked(api)

// A running job among jobs makes the view busy.
function setup(jobs: Job[] = []) {
  const onSaved = vi.fn()
  stubJobFeed(m)
  const utils = renderWithJobs(<SettingsView onSaved={onSaved} />, { jobs })
  return { onSaved, user: userEvent.setup(), ...utils }
}

const pruned = (dryRun: boolean) => ({
  dryRun,
  removed: [makeBackup({ id: 1, size: 1048576 }), makeBackup({ id: 2, size: 2097152, type: 'scheduled' })],
  kept: [makeBackup({ id: 3 })],
  bytes: 3145728,
})

describe('SettingsView', () => {
  beforeEach(() => {
    m.getSettings.mockResolvedValue(makeSettings())
    m.saveSettings.mockImplementation(async (s) => s)
    m.pruneBackups.mockImplementation(async (dryRun) => pruned(dryRun))
    m.startMoveStorage.mockResolvedValue('move-1')
  })

  it('edits the lists, version key and retention, then saves exactly that', async () => {
    const { user, onSaved, container } = setup()
    const save = await screen.findByRole('button', { name: 'Save' })
    expect(save).toBeDisabled()
    await user.click(screen.getByRole('button', { name: 'Add data path' }))
    await user.type(screen.getByRole('textbox', { name: 'Data path 2' }), 'uploads')
    await user.click(screen.getByRole('button', { name: 'Add excluded path' }))
    await user.type(screen.getByRole('textbox', { name: 'Excluded path 1' }), 'cache')
    const keepDays = screen.getByRole('textbox', { name: 'Keep days' })
    await user.clear(keepDays)
    await user.type(keepDays, '30')
    expect(screen.getByText('Unsaved changes.')).toBeInTheDocument()
    expect(await axeViolations(container)).toEqual([])
    await user.click(save)
    expect(m.saveSettings).toHaveBeenCalledWith({
      dataPaths: ['data', 'uploads'],
      excludes: ['cache'],
      versionKey: 'APP_VERSION',
      storageDir: '/backups/shop',
      retention: { keepLast: 5, keepDays: 30 },
    })
    expect(await screen.findByText('Settings saved.')).toBeInTheDocument()
    expect(onSaved).toHaveBeenCalled()
    expect(save).toBeDisabled()
  })

  it('marks invalid fields and refuses to save', async () => {
    const { user } = setup()
    await user.click(await screen.findByRole('button', { name: 'Remove Data path 1' }))
    await user.click(screen.getByRole('button', { name: 'Add data path' }))
    const path = screen.getByRole('textbox', { name: 'Data path 1' })
    await user.type(path, '/var/lib/data')
    expect(path).toHaveAttribute('aria-invalid', 'true')
    expect(path).toHaveAccessibleDescription(/is absolute: give a path relative to the deployment directory/)
    const key = screen.getByRole('textbox', { name: 'Version key in .env' })
    await user.clear(key)
    await user.type(key, '1VERSION')
    expect(key).toHaveAccessibleDescription('Use letters, digits and _, not starting with a digit.')
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled()
    expect(screen.getByText('Fix the marked fields to save.')).toBeInTheDocument()
    await user.click(screen.getByRole('button', { name: 'Revert' }))
    expect(screen.getByRole('textbox', { name: 'Data path 1' })).toHaveValue('data')
  })

  it('shows a refused save', async () => {
    const message = 'invalid setting: data path "../x": it must be a path inside the project directory'
    m.saveSettings.mockRejectedValueOnce({ code: 'invalid_setting', message, detail: '' })
    const { user } = setup()
    await user.type(await screen.findByRole('textbox', { name: 'Keep the last' }), '0')
    await user.click(screen.getByRole('button', { name: 'Save' }))
    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('The settings could not be saved')
    expect(alert).toHaveTextContent(message)
  })

  it('previews a prune and prunes after a confirmation', async () => {
    const { user } = setup()
    await user.click(await screen.findByRole('button', { name: 'Preview prune' }))
    expect(m.pruneBackups).toHaveBeenCalledWith(true)
    expect(await screen.findByText('2 backups would be removed (3.0 MiB); 1 kept:')).toBeInTheDocument()

    await user.click(screen.getByRole('button', { name: 'Prune now…' }))
    const dialog = screen.getByRole('alertdialog', { name: 'Prune backups now?' })
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }))
    const confirm = await within(dialog).findByRole('button', { name: 'Delete 2 backups' })
    expect(dialog).toHaveTextContent('This cannot be undone.')
    expect(await axeViolations(dialog)).toEqual([])
    await user.click(confirm)
    expect(m.pruneBackups).toHaveBeenLastCalledWith(false)
    expect(await screen.findByText('Removed 2 backups (3.0 MiB); 1 kept:')).toBeInTheDocument()
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument()
  })

  it('keeps pruning off while there are unsaved changes or no policy', async () => {
    m.getSettings.mockResolvedValue(makeSettings({ retention: { keepLast: 0, keepDays: 0 } }))
    const { user } = setup()
    expect(await screen.findByText('Set "Keep the last" or "Keep days" to prune.')).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Preview prune' })).toBeDisabled()
    await user.type(screen.getByRole('textbox', { name: 'Keep days' }), '7')
    expect(screen.getByText('Save the settings first: pruning uses the saved policy.')).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Prune now…' })).toBeDisabled()
  })

  it('moves the storage after a confirmation and shows the move', async () => {
    const { user } = setup()
    await user.click(await screen.findByRole('button', { name: 'Move…' }))
    const dialog = screen.getByRole('dialog', { name: 'Move the storage directory' })
    const input = within(dialog).getByRole('textbox', { name: 'New directory (absolute path)' })
    expect(document.activeElement).toBe(input)
    await user.type(input, 'relative/dir')
    await user.click(within(dialog).getByRole('button', { name: 'Move archives' }))
    expect(input).toHaveAccessibleDescription('Enter an absolute path, e.g. /mnt/backups/shop.')
    expect(m.startMoveStorage).not.toHaveBeenCalled()
    await user.clear(input)
    await user.type(input, '/mnt/big/shop/')
    await user.click(within(dialog).getByRole('button', { name: 'Move archives' }))
    expect(m.startMoveStorage).toHaveBeenCalledWith('/mnt/big/shop')
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument())
  })

  it('shows a running move with its progress and disables Move', async () => {
    setup([makeJob({ id: 'move-1', kind: 'move', title: 'Move storage to /mnt/big', phase: 'moving' })])
    const panel = await screen.findByRole('region', { name: 'Storage move' })
    expect(within(panel).getByRole('progressbar', { name: 'Move storage to /mnt/big' })).toHaveAttribute('aria-valuenow', '25')
    expect(screen.getByRole('button', { name: 'Move…' })).toBeDisabled()
  })
})
