import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'

vi.mock('../api', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../api')>()),
  getBackup: vi.fn(),
}))

import * as api from '../api'
import { makeBackup, makeDetails } from '../test/fixtures'
import { axeViolations, renderUI } from '../test/render'
import { DetailsPanel } from './DetailsPanel'

const getBackup = vi.mocked(api.getBackup)

describe('DetailsPanel', () => {
  it('shows manifest facts, image digests, the size breakdown and the tree', async () => {
    getBackup.mockResolvedValue(makeDetails())
    renderUI(<DetailsPanel backupId={1} onClose={() => {}} />)
    const panel = screen.getByRole('region', { name: 'Backup #1' })
    expect(within(panel).getByRole('status')).toHaveTextContent('Loading details…')
    expect(await within(panel).findByText('Manifest')).toBeInTheDocument()
    expect(panel).toHaveTextContent('app, data, docker-compose.yml')
    expect(within(panel).getByRole('cell', { name: 'shop:1.2.0' })).toBeInTheDocument()
    expect(within(panel).getByText('dddddddddddd')).toHaveAttribute('title', 'shop@sha256:' + 'd'.repeat(64))
    const bars = within(panel).getByRole('list', { name: 'Size by directory' })
    const rows = within(bars).getAllByRole('listitem')
    expect(rows.map((r) => r.textContent)).toEqual(['data2.0 KiB · 2 files · 67%', 'app1000 B · 1 file · 33%'])
    const tree = within(panel).getByRole('list', { name: 'Archived files' })
    expect(within(tree).getAllByRole('listitem')).toHaveLength(5)
    expect(tree).toHaveTextContent('current → db.sqlite')
    expect(await axeViolations(panel)).toEqual([])
  })

  it('lists the warnings the backup completed with', async () => {
    const details = makeDetails({ backup: makeBackup({ warnings: ['data/live.db changed while it was being read: its copy in this backup may be inconsistent'] }) })
    const changed = details.backup.warnings[0]
    getBackup.mockResolvedValue(details)
    renderUI(<DetailsPanel backupId={1} onClose={() => {}} />)
    const panel = screen.getByRole('region', { name: 'Backup #1' })
    expect(await within(panel).findByText('Completed with warnings (not a clean copy)')).toBeInTheDocument()
    expect(panel).toHaveTextContent(changed)
    expect(within(panel).getByText('1 warning')).toHaveClass('badge-warn')
    expect(await axeViolations(panel)).toEqual([])
  })

  it('says when the entry list is capped', async () => {
    getBackup.mockResolvedValue(makeDetails({ entriesTotal: 12000 }))
    renderUI(<DetailsPanel backupId={1} onClose={() => {}} />)
    expect(await screen.findByText('Showing the first 5 of 12,000 entries.')).toBeInTheDocument()
  })

  it('shows an error with Retry and closes', async () => {
    getBackup.mockRejectedValueOnce({ code: 'not_found', message: 'no backup 1', detail: '' })
    getBackup.mockResolvedValueOnce(makeDetails())
    const onClose = vi.fn()
    const user = userEvent.setup()
    renderUI(<DetailsPanel backupId={1} onClose={onClose} />)
    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('no backup 1')
    await user.click(within(alert).getByRole('button', { name: 'Retry' }))
    expect(await screen.findByText('Manifest')).toBeInTheDocument()
    await user.click(screen.getByRole('button', { name: 'Close details' }))
    expect(onClose).toHaveBeenCalled()
  })
})
