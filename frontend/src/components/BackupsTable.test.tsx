import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { makeBackup } from '../test/fixtures'
import { axeViolations, renderUI } from '../test/render'
import { BackupsTable, type BackupsTableProps } from './BackupsTable'

const backups = [
  makeBackup({ id: 1, createdAt: '2025-10-29T02:00:00Z', size: 3 * 1024 * 1024, version: '1.10.0', verifiedAt: '2025-10-29T03:00:00Z' }),
  makeBackup({ id: 2, createdAt: '2025-10-31T02:00:00Z', size: 1024, version: '1.9.0', type: 'pre-upgrade' }),
  makeBackup({ id: 3, createdAt: '2025-10-30T02:00:00Z', size: 2 * 1024 * 1024, fileExists: false }),
  makeBackup({ id: 4, createdAt: '2025-10-28T02:00:00Z', status: 'corrupt', version: '1.0.0' }),
  makeBackup({ id: 5, createdAt: '2025-10-27T02:00:00Z', status: 'failed', error: 'disk full', fileExists: false }),
]

function setup(over: Partial<BackupsTableProps> = {}) {
  const props: BackupsTableProps = {
    backups,
    selectedId: null,
    busy: false,
    onDetails: vi.fn(),
    onVerify: vi.fn(),
    onRestore: vi.fn(),
    onDelete: vi.fn(),
    ...over,
  }
  renderUI(<BackupsTable {...props} />)
  return { user: userEvent.setup(), props }
}

const ids = () =>
  screen
    .getAllByRole('row')
    .slice(1)
    .map((r) => within(r).getAllByRole('cell')[1].textContent)

const header = (name: string) => screen.getByRole('columnheader', { name: new RegExp(`^${name}`) })

describe('BackupsTable', () => {
  it('sorts newest first by default with aria-sort only on the sorted column', () => {
    setup()
    expect(ids()).toEqual(['#2', '#3', '#1', '#4', '#5'])
    expect(header('Created')).toHaveAttribute('aria-sort', 'descending')
    const withSort = screen.getAllByRole('columnheader').filter((th) => th.hasAttribute('aria-sort'))
    expect(withSort).toHaveLength(1)
  })

  it('sorts with the header buttons and toggles the direction', async () => {
    const { user } = setup()
    await user.click(within(header('Size')).getByRole('button'))
    expect(header('Size')).toHaveAttribute('aria-sort', 'descending')
    expect(header('Created')).not.toHaveAttribute('aria-sort')
    expect(ids().slice(0, 2)).toEqual(['#1', '#3'])
    expect(ids()[4]).toBe('#2')
    await user.click(within(header('Size')).getByRole('button'))
    expect(header('Size')).toHaveAttribute('aria-sort', 'ascending')
    expect(ids()[0]).toBe('#2')
    await user.click(within(header('Version')).getByRole('button'))
    expect(header('Version')).toHaveAttribute('aria-sort', 'ascending')
    // Versions compare numerically: 1.9.0 before 1.10.0.
    expect(ids()).toEqual(['#4', '#3', '#5', '#2', '#1'])
  })

  it('shows the type, size, date with its zone, and the status badges', () => {
    setup()
    const row = (id: number) => screen.getByRole('button', { name: `Details of backup #${id}` }).closest('tr')!
    expect(row(1)).toHaveTextContent('Manual')
    expect(row(1)).toHaveTextContent('3.0 MiB')
    expect(row(1)).toHaveTextContent('Verified')
    expect(row(2)).toHaveTextContent('Pre-upgrade')
    expect(row(2)).toHaveTextContent('1.0 KiB')
    expect(row(3)).toHaveTextContent('File missing')
    expect(row(4)).toHaveTextContent('Corrupt')
    expect(row(5)).toHaveTextContent('Failed')
    expect(row(5)).not.toHaveTextContent('File missing')
    const time = within(row(1)).getByText((_, el) => el?.tagName === 'TIME')
    expect(time).toHaveAttribute('datetime', '2025-10-29T02:00:00.000Z')
    expect(time.getAttribute('title')).toMatch(/Coordinated Universal Time|UTC/)
  })

  it('marks a backup that completed with warnings, with the count and the texts on hover', () => {
    const changed = 'data/live.db changed while it was being read: its copy in this backup may be inconsistent'
    const skipped = 'skipped a named pipe: data/events.pipe (not archived)'
    setup({
      backups: [
        makeBackup({ id: 7, warnings: [changed, skipped] }),
        makeBackup({ id: 8, warnings: [skipped], verifiedAt: '2025-10-31T03:00:00Z' }),
        makeBackup({ id: 9 }),
      ],
    })
    const row = (id: number) => screen.getByRole('button', { name: `Details of backup #${id}` }).closest('tr')!
    const two = within(row(7)).getByText('2 warnings')
    expect(two).toHaveClass('badge-warn')
    expect(two).toHaveAttribute('title', `${changed}\n${skipped}`)
    expect(row(7)).toHaveTextContent('Completed')
    expect(within(row(8)).getByText('1 warning')).toHaveAttribute('title', skipped)
    expect(row(8)).toHaveTextContent('Verified')
    expect(row(9)).not.toHaveTextContent(/warning/)
  })

  it('enables only the actions that make sense and reports the row id', async () => {
    const { user, props } = setup()
    expect(screen.getByRole('button', { name: 'Restore backup #3' })).toBeDisabled()
    expect(screen.getByRole('button', { name: 'Verify backup #3' })).toBeDisabled()
    expect(screen.getByRole('button', { name: 'Restore backup #4' })).toBeDisabled()
    expect(screen.getByRole('button', { name: 'Verify backup #4' })).toBeEnabled()
    expect(screen.getByRole('button', { name: 'Delete backup #5' })).toBeEnabled()
    await user.click(screen.getByRole('button', { name: 'Restore backup #2' }))
    await user.click(screen.getByRole('button', { name: 'Verify backup #1' }))
    await user.click(screen.getByRole('button', { name: 'Details of backup #4' }))
    await user.click(screen.getByRole('button', { name: 'Delete backup #5' }))
    expect(props.onRestore).toHaveBeenCalledWith(2)
    expect(props.onVerify).toHaveBeenCalledWith(1)
    expect(props.onDetails).toHaveBeenCalledWith(4)
    expect(props.onDelete).toHaveBeenCalledWith(5)
  })

  it('disables changing actions while a job runs', () => {
    setup({ busy: true })
    expect(screen.getByRole('button', { name: 'Restore backup #2' })).toBeDisabled()
    expect(screen.getByRole('button', { name: 'Delete backup #2' })).toBeDisabled()
    expect(screen.getByRole('button', { name: 'Details of backup #2' })).toBeEnabled()
  })

  it('shows an empty row when there are no backups', () => {
    setup({ backups: [] })
    expect(screen.getByText('No backups yet. Use "Create backup" to make the first one.')).toBeInTheDocument()
  })

  it('has no axe violations', async () => {
    setup()
    expect(await axeViolations(screen.getByRole('table'))).toEqual([])
  })
})
