import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('../api', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../api')>()),
  checkUpgrade: vi.fn(),
  startUpgrade: vi.fn(),
  planRollback: vi.fn(),
  startRollback: vi.fn(),
  listJobs: vi.fn(),
  onJobUpdate: vi.fn(),
}))

import * as api from '../api'
import type { Job, Status } from '../api'
import { makeHealth, makeJob, makePreflight, makeRollbackPlan, makeStatus, makeUpgrade } from '../test/fixtures'
import { axeViolations, renderWithJobs, stubJobFeed } from '../test/render'
import { parseWindow, UpgradeView } from './UpgradeView'

const m = vi.mocked(api)
const nothing = { code: 'nothing_to_roll_back', message: 'no upgrade of this deployment is in effect', detail: '' }

function setup(status: Status = makeStatus(), lang: 'en' | 'zh' = 'en') {
  const apply = stubJobFeed(m)
  const utils = renderWithJobs(<UpgradeView status={status} />, { lang })
  return { apply, user: userEvent.setup(), ...utils }
}

const upgradeJob = (over: Partial<Job>) =>
  makeJob({ id: 'upgrade-1', kind: 'upgrade', title: 'Upgrade of shop to 1.3.0', cancellable: true, ...over })

async function checkTarget(user: ReturnType<typeof userEvent.setup>, to = '1.3.0') {
  await user.type(screen.getByRole('textbox', { name: 'Target version' }), to)
  await user.click(screen.getByRole('button', { name: 'Check' }))
}

describe('UpgradeView', () => {
  beforeEach(() => {
    m.planRollback.mockRejectedValue(nothing)
    m.startUpgrade.mockResolvedValue('upgrade-1')
    m.startRollback.mockResolvedValue('rollback-2')
  })

  it('keeps Upgrade disabled until a check without problems, and again when the target changes', async () => {
    m.checkUpgrade.mockResolvedValueOnce(
      makePreflight({ compose: '', problems: ['compose CLI not found', 'image shop:1.3.0 of service web cannot be pulled'] }),
    )
    const { user } = setup()
    const upgrade = screen.getByRole('button', { name: 'Upgrade' })
    expect(upgrade).toBeDisabled()
    await checkTarget(user)
    expect(m.checkUpgrade).toHaveBeenCalledWith('1.3.0')
    const summary = await screen.findByRole('region', { name: 'Check for 1.2.0 → 1.3.0' })
    expect(summary).toHaveTextContent('2 problems must be fixed before upgrading.')
    expect(summary).toHaveTextContent('compose CLI not found')
    expect(summary).toHaveTextContent('Compose CLInot found')
    expect(screen.getByRole('button', { name: 'Upgrade to 1.3.0' })).toBeDisabled()
    expect(screen.getByText('Fix the problems the check found, then check again.')).toBeInTheDocument()

    m.checkUpgrade.mockResolvedValueOnce(makePreflight({ warnings: ['service worker has no image (build only): it is not checked'] }))
    await user.click(screen.getByRole('button', { name: 'Check' }))
    await waitFor(() => expect(screen.getByRole('button', { name: 'Upgrade to 1.3.0' })).toBeEnabled())
    const fresh = screen.getByRole('region', { name: 'Check for 1.2.0 → 1.3.0' })
    expect(fresh).toHaveTextContent('Nothing blocks this upgrade.')
    expect(fresh).toHaveTextContent('about 120.0 MiB (from 300.0 MiB of files)')
    expect(fresh).toHaveTextContent('12.0 GiB')
    expect(within(fresh).getByRole('row', { name: /db postgres:16/ })).toHaveTextContent('Will be pulled')
    expect(fresh).toHaveTextContent('has no image (build only)')

    await user.type(screen.getByRole('textbox', { name: 'Target version' }), '1')
    expect(screen.getByRole('button', { name: 'Upgrade to 1.3.01' })).toBeDisabled()
    expect(screen.getByText('The check above is for 1.3.0. Check again for the version you typed.')).toBeInTheDocument()
  })

  it('validates the health window', () => {
    expect([parseWindow('60'), parseWindow(' 90 '), parseWindow('4'), parseWindow('3601'), parseWindow('1.5'), parseWindow('')]).toEqual([
      60,
      90,
      null,
      null,
      null,
      null,
    ])
  })

  it('starts the upgrade with its options, follows it live and offers the rollback after success', async () => {
    m.checkUpgrade.mockResolvedValue(makePreflight())
    const { user, apply } = setup()
    await checkTarget(user)
    const windowField = screen.getByRole('spinbutton', { name: 'Health window (seconds)' })
    await user.clear(windowField)
    await user.type(windowField, '90')
    const auto = screen.getByRole('checkbox', { name: 'Roll back automatically if the upgrade fails' })
    expect(auto).toBeChecked()
    await user.click(auto)
    expect(screen.getByText(/Without automatic rollback/)).toBeInTheDocument()
    await user.click(await screen.findByRole('button', { name: 'Upgrade to 1.3.0' }))
    expect(m.startUpgrade).toHaveBeenCalledWith({ to: '1.3.0', noRollback: true, healthWindowSeconds: 90 })

    apply(upgradeJob({ seq: 1, phase: 'archiving', bytesDone: 1048576, bytesTotal: 4194304 }))
    const progress = screen.getByRole('region', { name: 'Upgrade of shop to 1.3.0' })
    expect(within(progress).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '25')
    const steps = within(progress).getByRole('list', { name: 'Upgrade steps' })
    expect(within(steps).getByText('Pre-upgrade backup').closest('li')).toHaveAttribute('aria-current', 'step')
    apply(upgradeJob({ seq: 2, phase: 'preparing', message: 'pinning the running images', bytesTotal: 0 }))
    expect(within(steps).getByText('Pre-upgrade backup').closest('li')).toHaveAttribute('aria-current', 'step')
    apply(upgradeJob({ seq: 3, phase: 'health', message: 'waiting up to 1m30s for web, db to be healthy', bytesTotal: 0 }))
    expect(within(steps).getByText('Health window').closest('li')).toHaveAttribute('aria-current', 'step')
    expect(progress).toHaveTextContent('Health window: 1 min 30 s left of 1 min 30 s')
    expect(progress).toHaveTextContent('waiting up to 1m30s for web, db to be healthy')
    expect(screen.getByRole('button', { name: 'Check' })).toBeDisabled()

    m.planRollback.mockResolvedValue(makeRollbackPlan())
    apply(
      upgradeJob({
        seq: 4,
        state: 'succeeded',
        phase: 'done',
        finishedAt: '2025-10-31T02:01:30Z',
        result: { upgrade: makeUpgrade(), outcome: 'succeeded', message: 'upgraded from 1.2.0 to 1.3.0; healthy through the 1m30s health window' },
      }),
    )
    const result = screen.getByRole('region', { name: 'Upgraded from 1.2.0 to 1.3.0' })
    expect(result).toHaveTextContent('The service stayed healthy through the health window.')
    expect(result).toHaveTextContent('1 min 30 s')
    expect(screen.queryByRole('region', { name: 'Upgrade of shop to 1.3.0' })).not.toBeInTheDocument()
    expect(await within(result).findByRole('button', { name: 'Roll back to 1.2.0' })).toBeEnabled()
    expect(result).toHaveTextContent('Upgrade #7 (1.2.0 → 1.3.0) can be rolled back.')
  })

  it('says "rolled back, service healthy" when the upgrade failed and was rolled back', async () => {
    const { apply } = setup()
    apply(
      upgradeJob({
        seq: 9,
        state: 'failed',
        phase: 'health',
        error: { code: 'upgrade_failed', message: 'upgrade to 1.3.0 failed: health window: web restarting; rolled back to 1.2.0, service healthy', detail: '' },
        result: {
          upgrade: makeUpgrade({ status: 'rolled_back', rollbackHealthy: true, rollbackReason: 'health window: web restarting' }),
          outcome: 'rolled_back',
          message: 'upgrade to 1.3.0 failed: health window: web restarting; rolled back to 1.2.0, service healthy',
          health: [makeHealth(), makeHealth({ id: 'c2', service: 'db', name: 'shop_db_1', ready: true })],
          rollbackHealth: [],
        },
      }),
    )
    const panel = screen.getByRole('region', { name: 'Upgrade to 1.3.0 rolled back: service healthy' })
    expect(within(panel).getByRole('status')).toHaveTextContent('Version 1.2.0 runs again with its files, data and images.')
    expect(panel).toHaveTextContent('rolled back to 1.2.0, service healthy')
    const unhealthy = within(panel).getByRole('table', { name: 'Containers that were not ready' })
    expect(within(unhealthy).getAllByRole('row')).toHaveLength(2)
    expect(unhealthy).toHaveTextContent('restarting (restarted 3 times)')
    expect(screen.queryByRole('alert')).not.toBeInTheDocument()
    await waitFor(() => expect(m.planRollback).toHaveBeenCalledWith(0))
    expect(screen.queryByRole('button', { name: /Roll back to/ })).not.toBeInTheDocument()
  })

  it('shows a failed rollback as an alert and offers to try again', async () => {
    m.planRollback.mockResolvedValue(makeRollbackPlan({ status: 'rollback_failed' }))
    const { apply } = setup(makeStatus({ version: '1.2.0' }))
    apply(
      upgradeJob({
        seq: 9,
        state: 'failed',
        phase: 'health',
        error: { code: 'upgrade_failed', message: 'upgrade to 1.3.0 failed: compose up: exit 1; rollback failed, needs attention: web unhealthy', detail: '' },
        result: {
          upgrade: makeUpgrade({ status: 'rollback_failed', rollbackHealthy: false }),
          outcome: 'rollback_failed',
          message: 'upgrade to 1.3.0 failed: compose up: exit 1; rollback failed, needs attention: web unhealthy',
          health: [],
          rollbackHealth: [makeHealth({ reason: 'unhealthy' })],
        },
      }),
    )
    const alert = screen.getByRole('alert')
    expect(alert).toHaveTextContent('The service is not healthy after rolling back to 1.2.0.')
    expect(alert).toHaveTextContent('restore backup #12 from the Backups tab')
    const panel = screen.getByRole('region', { name: 'Rollback failed, needs attention' })
    expect(panel).toHaveTextContent('rollback failed, needs attention: web unhealthy')
    expect(await within(panel).findByRole('button', { name: 'Try the rollback again' })).toBeEnabled()
  })

  it('rolls back a failed, not rolled back upgrade in one click and one confirmation', async () => {
    const last = makeUpgrade({ id: 8, status: 'failed', error: 'health window: web exited (code 1)', rollbackHealthy: null })
    m.planRollback.mockResolvedValue(makeRollbackPlan({ upgradeId: 8, status: 'failed', backupFallback: true }))
    const { user } = setup(makeStatus({ version: '1.3.0', lastUpgrade: last }))
    const panel = screen.getByRole('region', { name: 'Upgrade to 1.3.0 failed and was not rolled back' })
    expect(panel).toHaveTextContent('Last upgrade (#8)')
    expect(panel).toHaveTextContent('Version 1.3.0 is still in place. Roll back to return to 1.2.0.')
    await user.click(await within(panel).findByRole('button', { name: 'Roll back to 1.2.0' }))

    const dialog = await screen.findByRole('alertdialog', { name: 'Roll back upgrade #8?' })
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(m.planRollback).toHaveBeenLastCalledWith(8)
    expect(dialog).toHaveTextContent('from 1.3.0 (configured now: 1.3.0) back to 1.2.0')
    expect(dialog).toHaveTextContent('#12 · backup_pre-upgrade_v1.2.0_2025-10-31_02-00-10.tar.gz')
    expect(dialog).toHaveTextContent("The upgrade's own backup is missing or did not complete")
    expect(dialog).toHaveTextContent('web: shop:1.2.0')
    expect(await axeViolations(dialog)).toEqual([])
    await user.click(within(dialog).getByRole('button', { name: 'Roll back to 1.2.0' }))
    expect(m.startRollback).toHaveBeenCalledTimes(1)
    expect(m.startRollback).toHaveBeenCalledWith(8)
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument()
  })

  it('cancels the rollback confirmation with Escape and starts nothing', async () => {
    m.planRollback.mockResolvedValue(makeRollbackPlan())
    const { user } = setup(makeStatus({ version: '1.3.0', lastUpgrade: makeUpgrade() }))
    await user.click(await screen.findByRole('button', { name: 'Roll back to 1.2.0' }))
    await screen.findByRole('alertdialog', { name: 'Roll back upgrade #7?' })
    await user.keyboard('{Escape}')
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument()
    expect(m.startRollback).not.toHaveBeenCalled()
  })

  it('has no axe violations with a check and a result', async () => {
    m.checkUpgrade.mockResolvedValue(makePreflight({ problems: ['no space'] }))
    const { user, container } = setup(makeStatus({ lastUpgrade: makeUpgrade({ status: 'rolled_back', rollbackHealthy: true }) }))
    await checkTarget(user)
    await screen.findByRole('region', { name: 'Check for 1.2.0 → 1.3.0' })
    expect(await axeViolations(container)).toEqual([])
  })

  it('shows the rolled back result in Chinese', () => {
    setup(makeStatus({ lastUpgrade: makeUpgrade({ status: 'rolled_back', rollbackHealthy: true }) }), 'zh')
    expect(screen.getByRole('region', { name: '升级到 1.3.0 已回滚：服务健康' })).toBeInTheDocument()
    expect(screen.getByRole('button', { name: '检查' })).toBeDisabled()
  })
})
