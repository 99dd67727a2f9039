import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { useState } from 'react'
import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('../api', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../api')>()),
  listBackups: vi.fn(),
  planRestore: vi.fn(),
  startRestore: vi.fn(),
}))

import * as api from '../api'
import { deferred, makeBackup, makePlan } from '../test/fixtures'
import { axeViolations, renderUI } from '../test/render'
import { RestoreDialog } from './RestoreDialog'

const listBackups = vi.mocked(api.listBackups)
const planRestore = vi.mocked(api.planRestore)
const startRestore = vi.mocked(api.startRestore)

const backups = [
  makeBackup({ id: 1, createdAt: '2025-10-30T02:00:00Z', version: '1.1.0' }),
  makeBackup({ id: 2, createdAt: '2025-10-31T02:00:00Z', type: 'pre-upgrade', version: '1.2.0' }),
  makeBackup({ id: 3, createdAt: '2025-10-29T02:00:00Z', fileExists: false }),
  makeBackup({ id: 4, createdAt: '2025-10-28T02:00:00Z', status: 'failed', error: 'disk full' }),
]

function setup(props: Partial<Parameters<typeof RestoreDialog>[0]> = {}) {
  const onCancel = vi.fn()
  const onStarted = vi.fn()
  const user = userEvent.setup()
  const view = renderUI(<RestoreDialog onCancel={onCancel} onStarted={onStarted} {...props} />)
  return { user, onCancel, onStarted, ...view }
}

describe('RestoreDialog', () => {
  beforeEach(() => {
    listBackups.mockResolvedValue(backups)
    planRestore.mockImplementation(async (id, mode) => makePlan({ backupId: id, mode }))
    startRestore.mockResolvedValue('job-9')
  })

  it('is a labelled modal dialog that shows a loading state first', async () => {
    const pending = deferred<api.Backup[]>()
    listBackups.mockReturnValue(pending.promise)
    setup()
    const dialog = screen.getByRole('dialog', { name: 'Select the backup to restore' })
    expect(dialog).toHaveAttribute('aria-modal', 'true')
    const labelledBy = dialog.getAttribute('aria-labelledby')
    expect(labelledBy && document.getElementById(labelledBy)).toHaveTextContent('Select the backup to restore')
    expect(within(dialog).getByRole('status')).toHaveTextContent('Fetching the backup list…')
    expect(within(dialog).getByRole('button', { name: 'Restore' })).toBeDisabled()
    pending.resolve(backups)
    expect(await within(dialog).findByRole('radiogroup', { name: /Found 2 restorable backups/ })).toBeInTheDocument()
  })

  it('shows a reachable empty state, not an error', async () => {
    listBackups.mockResolvedValue([])
    setup()
    expect(await screen.findByText('No backups yet')).toBeInTheDocument()
    expect(screen.getByText('Create a backup first, then come back to restore it.')).toBeInTheDocument()
    expect(screen.queryByRole('alert')).not.toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Restore' })).toBeDisabled()
    expect(await axeViolations(screen.getByRole('dialog'))).toEqual([])
  })

  it('shows an error with Retry, and Retry loads again', async () => {
    listBackups.mockRejectedValueOnce({ code: 'in_use', message: 'catalog in use by PID 42', detail: '' })
    const { user } = setup()
    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('Could not fetch the backup list')
    expect(alert).toHaveTextContent('catalog in use by PID 42')
    await user.click(within(alert).getByRole('button', { name: 'Retry' }))
    expect(await screen.findByRole('radio', { name: 'Backup #2' })).toBeInTheDocument()
    expect(listBackups).toHaveBeenCalledTimes(2)
  })

  it('lists cards newest first; missing-file and failed backups cannot be selected', async () => {
    const { user } = setup()
    const radios = await screen.findAllByRole('radio')
    expect(radios.map((r) => r.getAttribute('aria-labelledby') && document.getElementById(r.getAttribute('aria-labelledby')!)?.textContent)).toEqual([
      'Backup #2',
      'Backup #1',
      'Backup #3',
      'Backup #4',
    ])
    const missing = screen.getByRole('radio', { name: 'Backup #3' })
    const failed = screen.getByRole('radio', { name: 'Backup #4' })
    expect(missing).toBeDisabled()
    expect(missing).toHaveAccessibleDescription(/the archive file is missing/)
    expect(failed).toBeDisabled()
    expect(screen.getAllByText('File missing')).toHaveLength(1)
    await user.click(missing.closest('label')!)
    expect(missing).not.toBeChecked()
    expect(screen.queryByText('Backup to be restored')).not.toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Restore' })).toBeDisabled()
  })

  it("marks a card whose backup completed with warnings and says them in the radio's description", async () => {
    const changed = 'data/live.db changed while it was being read: its copy in this backup may be inconsistent'
    listBackups.mockResolvedValue([makeBackup({ id: 5, warnings: [changed] }), makeBackup({ id: 6 })])
    setup()
    const radio = await screen.findByRole('radio', { name: 'Backup #5' })
    const badge = within(radio.closest('label')!).getByText('1 warning')
    expect(badge).toHaveClass('badge-warn')
    expect(badge).toHaveAttribute('title', changed)
    expect(radio).toHaveAccessibleDescription(new RegExp('data/live.db changed while it was being read'))
    expect(radio).toBeEnabled()
    expect(within(screen.getByRole('radio', { name: 'Backup #6' }).closest('label')!).queryByText(/warning/)).toBeNull()
  })

  it('selects a backup, shows its details and the preview, then starts the restore', async () => {
    const { user, onStarted } = setup()
    await screen.findAllByRole('radio')
    expect(screen.getByText('Select a backup to restore.')).toBeInTheDocument()
    await user.click(screen.getByRole('radio', { name: 'Backup #2' }))
    expect(screen.getByRole('radio', { name: 'Backup #2' })).toBeChecked()
    const selection = screen.getByRole('region', { name: 'Backup to be restored' })
    expect(selection).toHaveTextContent('Pre-upgrade')
    expect(selection).toHaveTextContent('1.5 MiB')
    expect(screen.getByRole('radio', { name: 'Application only' })).toBeChecked()
    const preview = await screen.findByRole('region', { name: 'What will change' })
    expect(preview).toHaveTextContent('Replaced12 files, 2.0 KiB')
    expect(preview).toHaveTextContent('shop_web_1, shop_db_1')
    expect(preview).toHaveTextContent('Paths swappedapp, docker-compose.yml')
    expect(preview).toHaveTextContent('Staging space needed52.0 MiB')
    expect(preview).not.toHaveTextContent('may be incomplete')
    expect(planRestore).toHaveBeenLastCalledWith(2, 'app')
    const restore = screen.getByRole('button', { name: 'Restore' })
    expect(restore).toBeEnabled()
    await user.click(restore)
    expect(startRestore).toHaveBeenCalledWith(2, 'app', '')
    expect(onStarted).toHaveBeenCalledWith('job-9')
  })

  it('asks for the typed deployment name when the restore discards data', async () => {
    planRestore.mockImplementation(async (id, mode) =>
      makePlan({ backupId: id, mode, discardsData: mode !== 'app', lost: { files: 5, bytes: 5 * 1024 * 1024 } }),
    )
    const { user } = setup()
    await user.click(await screen.findByRole('radio', { name: 'Backup #1' }))
    await user.click(screen.getByRole('radio', { name: 'Everything' }))
    await waitFor(() => expect(planRestore).toHaveBeenLastCalledWith(1, 'full'))
    const input = await screen.findByRole('textbox', { name: 'Type the deployment name "shop" to confirm' })
    expect(input).toHaveAccessibleDescription('This restore discards data written since the backup.')
    expect(screen.getByText('Lost (written since the backup)').parentElement).toHaveTextContent('5 files, 5.0 MiB')
    const restore = screen.getByRole('button', { name: 'Restore' })
    expect(restore).toBeDisabled()
    expect(screen.getByText('Type "shop" in the confirmation field to enable Restore.')).toBeInTheDocument()
    await user.type(input, 'sho')
    expect(restore).toBeDisabled()
    await user.type(input, 'p')
    expect(restore).toBeEnabled()
    await user.click(restore)
    expect(startRestore).toHaveBeenCalledWith(1, 'full', 'shop')
  })

  it('warns when Docker could not say which containers run', async () => {
    planRestore.mockResolvedValue(makePlan({ containers: [], dockerError: 'dial unix /var/run/docker.sock: no such file' }))
    const { user } = setup()
    await user.click(await screen.findByRole('radio', { name: 'Backup #1' }))
    const preview = await screen.findByRole('region', { name: 'What will change' })
    expect(preview).toHaveTextContent('Containers stopped and started againnone')
    expect(preview).toHaveTextContent('dial unix /var/run/docker.sock: no such file')
  })

  it('says which special files stay in place and which hard links come back as copies', async () => {
    planRestore.mockResolvedValue(
      makePlan({ kept: ['data/queue.fifo'], separated: [{ path: 'data/shared.bin', link: 'app/shared.bin' }] }),
    )
    const { user } = setup()
    await user.click(await screen.findByRole('radio', { name: 'Backup #1' }))
    const preview = await screen.findByRole('region', { name: 'What will change' })
    expect(preview).toHaveTextContent('Left in place (FIFOs, sockets and devices are never archived)data/queue.fifo')
    expect(preview).toHaveTextContent(
      'Put back as separate copiesdata/shared.bin, a hard link to app/shared.bin, which this mode leaves as it is',
    )
  })

  it('shows a rejected start inside the dialog and stays open', async () => {
    startRestore.mockRejectedValue({ code: 'busy', message: 'a backup is running', detail: 'job 3' })
    const { user, onStarted } = setup()
    await user.click(await screen.findByRole('radio', { name: 'Backup #1' }))
    await screen.findByRole('region', { name: 'What will change' })
    await user.click(screen.getByRole('button', { name: 'Restore' }))
    expect(await screen.findByRole('alert')).toHaveTextContent('a backup is running')
    expect(onStarted).not.toHaveBeenCalled()
    expect(screen.getByRole('button', { name: 'Restore' })).toBeEnabled()
  })

  it('cancels with Escape and with the close button', async () => {
    const { user, onCancel } = setup()
    await screen.findAllByRole('radio')
    await user.keyboard('{Escape}')
    expect(onCancel).toHaveBeenCalledTimes(1)
    await user.click(screen.getByRole('button', { name: 'Close' }))
    expect(onCancel).toHaveBeenCalledTimes(2)
    await user.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(onCancel).toHaveBeenCalledTimes(3)
    // A click on the grey overlay cancels too; a click inside the dialog does not.
    await user.click(screen.getByRole('dialog'))
    expect(onCancel).toHaveBeenCalledTimes(3)
    await user.click(screen.getByRole('dialog').parentElement!)
    expect(onCancel).toHaveBeenCalledTimes(4)
  })

  it('moves focus in on open and keeps Tab and Shift+Tab inside', async () => {
    const { user } = setup()
    const dialog = screen.getByRole('dialog')
    expect(dialog).toContainElement(document.activeElement as HTMLElement)
    await user.click(await screen.findByRole('radio', { name: 'Backup #1' }))
    await screen.findByRole('region', { name: 'What will change' })
    const visited: Element[] = []
    for (let i = 0; i < 12; i++) {
      await user.tab()
      visited.push(document.activeElement!)
      expect(dialog).toContainElement(document.activeElement as HTMLElement)
    }
    // The cycle covers the close button, one stop per radio group, Cancel and Restore.
    expect(visited).toContain(screen.getByRole('button', { name: 'Close' }))
    expect(visited).toContain(screen.getByRole('radio', { name: 'Backup #1' }))
    expect(visited).toContain(screen.getByRole('button', { name: 'Restore' }))
    expect(visited).not.toContain(screen.getByRole('radio', { name: 'Backup #2' }))
    screen.getByRole('button', { name: 'Close' }).focus()
    await user.tab({ shift: true })
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Restore' }))
    await user.tab()
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Close' }))
  })

  it('hides the page behind it and gives focus back to the opener on close', async () => {
    function Harness() {
      const [open, setOpen] = useState(false)
      return (
        <main>
          <button onClick={() => setOpen(true)}>Open restore</button>
          {open && <RestoreDialog onCancel={() => setOpen(false)} onStarted={() => setOpen(false)} />}
        </main>
      )
    }
    const user = userEvent.setup()
    const { container } = renderUI(<Harness />)
    const opener = screen.getByRole('button', { name: 'Open restore' })
    await user.click(opener)
    await screen.findAllByRole('radio')
    expect(container).toHaveAttribute('aria-hidden', 'true')
    await user.keyboard('{Escape}')
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument()
    expect(container).not.toHaveAttribute('aria-hidden')
    expect(document.activeElement).toBe(opener)
  })

  it('resets the selection when reopened', async () => {
    function Harness() {
      const [open, setOpen] = useState(true)
      return (
        <>
          <button onClick={() => setOpen(true)}>Reopen</button>
          {open && <RestoreDialog onCancel={() => setOpen(false)} onStarted={() => setOpen(false)} />}
        </>
      )
    }
    const user = userEvent.setup()
    renderUI(<Harness />)
    await user.click(await screen.findByRole('radio', { name: 'Backup #1' }))
    expect(screen.getByRole('radio', { name: 'Backup #1' })).toBeChecked()
    await user.click(screen.getByRole('button', { name: 'Cancel' }))
    await user.click(screen.getByRole('button', { name: 'Reopen' }))
    const radio = await screen.findByRole('radio', { name: 'Backup #1' })
    expect(radio).not.toBeChecked()
    expect(screen.getByRole('button', { name: 'Restore' })).toBeDisabled()
  })

  it('preselects the row it was opened from when that backup is restorable', async () => {
    setup({ initialBackupId: 1 })
    await waitFor(() => expect(screen.getByRole('radio', { name: 'Backup #1' })).toBeChecked())
    // the preview is asked for by an effect after the selection renders
    await waitFor(() => expect(planRestore).toHaveBeenCalledWith(1, 'app'))
  })

  it('speaks Chinese when the language is zh', async () => {
    renderUI(<RestoreDialog onCancel={() => {}} onStarted={() => {}} />, 'zh')
    expect(screen.getByRole('dialog', { name: '选择要恢复的备份' })).toBeInTheDocument()
    expect(await screen.findByRole('radiogroup', { name: '找到 2 个可恢复的备份，请选择要恢复的版本：' })).toBeInTheDocument()
    expect(screen.getByText('文件缺失')).toBeInTheDocument()
  })

  it('has no axe violations in the list and with a selection', async () => {
    const { user } = setup()
    await screen.findAllByRole('radio')
    expect(await axeViolations(screen.getByRole('dialog'))).toEqual([])
    await user.click(screen.getByRole('radio', { name: 'Backup #1' }))
    await screen.findByRole('region', { name: 'What will change' })
    expect(await axeViolations(screen.getByRole('dialog'))).toEqual([])
  })
})
