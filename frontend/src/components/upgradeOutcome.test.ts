import { describe, expect, it } from 'vitest'
import { makeHealth, makeJob, makeRollbackPlan, makeUpgrade } from '../test/fixtures'
import { describeJob, describeUpgrade } from './upgradeOutcome'

describe('describeUpgrade', () => {
  it.each([
    ['succeeded', makeUpgrade(), '1.3.0', 'upgraded', 'ok'],
    ['rolled back', makeUpgrade({ status: 'rolled_back', rollbackHealthy: true }), '1.2.0', 'rolledBack', 'warn'],
    ['rollback failed', makeUpgrade({ status: 'rollback_failed', rollbackHealthy: false }), '1.3.0', 'rollbackFailed', 'alert'],
    ['failed, not rolled back, in place', makeUpgrade({ status: 'failed' }), '1.3.0', 'failedInPlace', 'bad'],
    ['failed before anything changed', makeUpgrade({ status: 'failed', error: 'upgrade to 1.3.0 failed before anything changed' }), '1.2.0', 'failedUnchanged', 'bad'],
    [
      'failed and the services did not start again',
      makeUpgrade({ status: 'failed', error: 'failed before anything changed: x; the services could not be started again, needs attention: y' }),
      '1.2.0',
      'failedUnchanged',
      'alert',
    ],
    ['running', makeUpgrade({ status: 'running', finishedAt: null }), '1.3.0', 'running', 'info'],
  ])('%s', (_name, up, current, verdict, tone) => {
    expect(describeUpgrade(up, current)).toMatchObject({ verdict, tone, from: '1.2.0', to: '1.3.0', upgradeId: 7 })
  })
})

describe('describeJob', () => {
  const failed = (result: unknown, code = 'upgrade_failed') =>
    makeJob({ kind: 'upgrade', state: 'failed', result, error: { code, message: 'm', detail: '' } })

  it('reads the outcome from the upgrade result, and the containers that decided it', () => {
    const rolled = describeJob(
      failed({ upgrade: makeUpgrade({ status: 'rolled_back' }), outcome: 'rolled_back', message: 'rolled back to 1.2.0, service healthy', health: [makeHealth(), makeHealth({ ready: true })], rollbackHealth: [] }),
      '1.2.0',
    )
    expect(rolled).toMatchObject({ verdict: 'rolledBack', message: 'rolled back to 1.2.0, service healthy', backupId: 12 })
    expect(rolled.unhealthy).toHaveLength(1)
    const broken = describeJob(
      failed({ upgrade: makeUpgrade({ status: 'rollback_failed' }), outcome: 'rollback_failed', message: 'x', health: [], rollbackHealth: [makeHealth()] }),
      '1.3.0',
    )
    expect(broken).toMatchObject({ verdict: 'rollbackFailed', tone: 'alert' })
    expect(broken.unhealthy).toHaveLength(1)
  })

  it('treats a refusal without an outcome as "did not start"', () => {
    const got = describeJob(failed({ upgrade: makeUpgrade({ id: 0 }), preflight: { to: '1.3.0' }, outcome: '' }, 'upgrade_preflight'), '1.2.0')
    expect(got).toMatchObject({ verdict: 'notStarted', to: '1.3.0', error: { code: 'upgrade_preflight' } })
    expect(describeJob(failed(null, 'busy'), '1.2.0').verdict).toBe('notStarted')
  })

  it('describes rollback jobs', () => {
    const plan = makeRollbackPlan()
    expect(describeJob(makeJob({ kind: 'rollback', state: 'succeeded', result: { plan, outcome: 'rolled_back', health: [] } }), '1.2.0')).toMatchObject({
      verdict: 'rollbackDone',
      from: '1.2.0',
      to: '1.3.0',
      upgradeId: 7,
      backupId: 12,
    })
    expect(
      describeJob(makeJob({ kind: 'rollback', state: 'failed', result: { plan, outcome: 'rollback_failed', health: [makeHealth()] } }), '1.3.0'),
    ).toMatchObject({ verdict: 'rollbackFailed', tone: 'alert' })
    expect(describeJob(makeJob({ kind: 'rollback', state: 'failed', result: null }), '1.3.0').verdict).toBe('rollbackNotStarted')
  })
})
