import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('../api', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../api')>()),
  listOperations: vi.fn(),
  listUpgrades: vi.fn(),
  listJobs: vi.fn(),
  onJobUpdate: vi.fn(),
}))
vi.mock('../logExport', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../logExport')>()),
  downloadText: vi.fn(),
}))

import * as api from '../api'
import * as logExport from '../logExport'
import { makeJob, makeOperation, makeUpgrade } from '../test/fixtures'
import { axeViolations, renderWithJobs, stubJobFeed } from '../test/render'
import { ActivityView, historyLimit } from './ActivityView'

const m = vi.mocked(api)

const jobs = [
  makeJob({
    id: 'upgrade-2',
    kind: 'upgrade',
    title: 'Upgrade of shop to 1.3.0',
    state: 'failed',
    startedAt: '2025-10-31T03:00:00Z',
    error: { code: 'upgrade_failed', message: 'upgrade to 1.3.0 failed', detail: '' },
    log: ['03:00:01 stopping', '03:00:09 compose up failed'],
  }),
  makeJob({ id: 'backup-1', state: 'succeeded', log: ['02:00:02 web stopped'] }),
]

describe('ActivityView', () => {
  beforeEach(() => {
    m.listOperations.mockResolvedValue([
      makeOperation({ id: 1 }),
      makeOperation({ id: 2, kind: 'upgrade', state: 'failed', facts: { upgradeId: 7 }, startedAt: '2025-10-31T02:00:00Z', finishedAt: '2025-10-31T02:01:30Z' }),
      makeOperation({ id: 3, kind: 'restore', state: 'failed', facts: { backupId: 3, mode: 'full' }, startedAt: '2025-10-30T05:00:00Z', finishedAt: '2025-10-30T05:00:42Z', error: 'checksum mismatch' }),
    ])
    m.listUpgrades.mockResolvedValue([makeUpgrade({ status: 'rolled_back', rollbackHealthy: true })])
    stubJobFeed(m)
  })

  it('lists backups, restores and upgrades newest first with outcome and duration', async () => {
    const { container } = renderWithJobs(<ActivityView active />, { jobs })
    const table = await screen.findByRole('table', { name: 'Operations on this deployment, newest first' })
    expect(m.listOperations).toHaveBeenCalledWith(historyLimit)
    const rows = within(table).getAllByRole('row').slice(1)
    expect(rows.map((r) => within(r).getAllByRole('cell').slice(1).map((c) => c.textContent))).toEqual([
      ['Upgrade #7: 1.2.0 → 1.3.0', 'Rolled back', '1 min 30 s'],
      ['Restore of backup #3 (Everything)checksum mismatch', 'Failed', '42 s'],
      ['Backup #3 · backup_manual_v1.2.0_2025-10-30_02-00-00.tar.gz', 'Succeeded', '5 s'],
    ])
    expect(await axeViolations(container)).toEqual([])
  })

  it('shows the newest job log, switches jobs and exports the log text', async () => {
    const user = userEvent.setup()
    renderWithJobs(<ActivityView active />, { jobs })
    const log = screen.getByRole('list', { name: 'Log of Upgrade of shop to 1.3.0' })
    expect(within(log).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['03:00:01 stopping', '03:00:09 compose up failed'])
    await user.click(screen.getByRole('button', { name: 'Export log' }))
    const [name, text] = vi.mocked(logExport.downloadText).mock.calls[0]
    expect(name).toBe('rewind-upgrade-2-2025-10-31T03-00-00Z.txt')
    expect(text).toContain('Job: Upgrade of shop to 1.3.0 (upgrade-2)\n')
    expect(text).toContain('Error: [upgrade_failed] upgrade to 1.3.0 failed\n')
    expect(text.endsWith('Log (2 lines):\n03:00:01 stopping\n03:00:09 compose up failed\n')).toBe(true)
    expect(screen.getByText('Saved as rewind-upgrade-2-2025-10-31T03-00-00Z.txt')).toBeInTheDocument()

    await user.selectOptions(screen.getByRole('combobox', { name: 'Job' }), 'backup-1')
    expect(screen.getByRole('list', { name: 'Log of Backup of shop' })).toHaveTextContent('02:00:02 web stopped')
  })

  it('says when no job ran and when the history cannot load', async () => {
    m.listOperations.mockRejectedValueOnce({ code: 'catalog_in_use', message: 'in use by PID 9', detail: '' })
    const user = userEvent.setup()
    renderWithJobs(<ActivityView active />)
    expect(screen.getByText('No job has run since Rewind started.')).toBeInTheDocument()
    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('in use by PID 9')
    await user.click(within(alert).getByRole('button', { name: 'Retry' }))
    expect(await screen.findByRole('table')).toBeInTheDocument()
  })
})
