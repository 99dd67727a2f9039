// An upgrade to a version that crashes (rewind-svc:3) and its automatic rollback,
// driven through the Upgrade view.
import { checkStream } from '../lib/events.mjs'
import { has } from '../lib/i18n.mjs'
import { captureRunning } from './progress.mjs'
import { fmt, originalNotes } from './restore.mjs'

const target = '3'
const healthWindow = '10'

/** startFromView checks the target version, sets the options and starts the upgrade. */
async function startFromView(ctx) {
  const { page, checks, events, t } = ctx
  await page.getByRole('tab', { name: t('tabs.upgrade'), exact: true }).click()
  const view = page.getByRole('tabpanel', { name: t('tabs.upgrade') })
  await view.getByRole('heading', { name: t('upgrade.title'), exact: true }).waitFor()
  await view.getByLabel(t('upgrade.target')).fill(target)
  await view.getByRole('button', { name: t('upgrade.check'), exact: true }).click()
  await view.getByText(t('preflight.ready'), { exact: true }).waitFor({ timeout: 60_000 })
  checks.ok(`upgrade view: the check for ${target} says ${t('preflight.ready')}`, true)
  await view.getByLabel(t('upgrade.window')).fill(healthWindow)
  checks.ok('upgrade view: automatic rollback is on by default', await view.getByRole('checkbox', { name: t('upgrade.autoRollback') }).isChecked())
  const start = view.getByRole('button', { name: t('upgrade.start', { to: target }), exact: true })
  checks.ok('upgrade view: the Upgrade button is enabled after a clean check', await start.isEnabled())
  await ctx.shot('upgrade-view-en')
  const mark = events.mark()
  await start.click()
  const first = await events.firstOfKind('upgrade', mark)
  return { id: first.id, view }
}

/** startFromBindings is the fallback while the app has no Upgrade view. */
async function startFromBindings(ctx) {
  console.log('        no Upgrade view: starting through window.go.main.App.StartUpgrade')
  const id = await ctx.page.evaluate(
    (req) => window.go.main.App.StartUpgrade(req),
    { to: target, noRollback: false, healthWindowSeconds: Number(healthWindow) },
  )
  return { id, view: null }
}

export async function upgradeRollsBack(ctx) {
  const { page, checks, events, dep, t } = ctx
  const { id, view } = has('tabs.upgrade') ? await startFromView(ctx) : await startFromBindings(ctx)
  checks.ok(`upgrade job ${id} started`, typeof id === 'string' && id.length > 0)

  const shown = view ? view.locator('.upgrade-progress') : page.locator('.job.job-running')
  const inHealth = await captureRunning(ctx, id, 'progress-upgrade-en', shown, (e) => e.phase === 'health')
  checks.ok('screenshot of the upgrade while its health window runs', inHealth)
  if (inHealth) ctx.runningShot ??= 'progress-upgrade-en'

  const last = await events.final(id, 300_000)
  const { phases } = checkStream(checks, 'upgrade job', events.of(id), 'failed')
  checks.ok('upgrade job: health check and rollback (extracting) phases reported', phases.includes('health') && phases.includes('extracting'), phases.join(','))
  const res = last.result ?? {}
  checks.equal('upgrade job: the final event says the upgrade was rolled back', res.outcome, 'rolled_back')
  checks.equal('upgrade job: upgrade_history status', res.upgrade?.status, 'rolled_back')
  checks.ok(`upgrade job: the message tells the truth ("${res.message}")`, /roll/i.test(res.message ?? ''), res.message)
  checks.ok(`upgrade job: the error names what failed (${last.error?.code}: ${last.error?.message})`, !!last.error?.message)

  checks.equal('disk: .env is back on APP_VERSION=2', dep.env('APP_VERSION'), '2')
  checks.ok('disk: the damage done by version 3 is gone (junk-v3.bin)', !dep.exists('data/junk-v3.bin'))
  checks.ok('disk: data/state.txt is not the one version 3 overwrote', !/version 3/.test(dep.read('data/state.txt')))
  checks.equal('disk: data/notes.txt survived upgrade and rollback', dep.read('data/notes.txt'), originalNotes)
  const cs = await dep.waitHealthy(30_000)
  checks.ok(
    `docker: web runs rewind-svc:2 and is healthy after the rollback (${fmt(cs)})`,
    cs.length === 1 && cs[0].image === 'rewind-svc:2' && cs[0].state === 'running' && cs[0].health === 'healthy',
  )
  const backups = await page.evaluate(() => window.go.main.App.ListBackups())
  checks.ok('catalog: a completed pre-upgrade backup of version 2 exists', backups.some((b) => b.type === 'pre-upgrade' && b.version === '2' && b.status === 'completed'))

  // What the admin sees.
  if (view) {
    const title = t('outcome.rolledBack', { to: target })
    await view.getByRole('heading', { name: title, exact: true }).waitFor({ timeout: 15_000 })
    checks.ok(`upgrade view: the outcome says "${title}"`, true)
    const lead = t('outcome.rolledBackLead', { from: '2' })
    checks.ok(`upgrade view: "${lead}"`, await view.getByText(lead, { exact: true }).isVisible())
    const header = page.locator('header.app-header')
    await header.locator('.last-upgrade', { hasText: t('upgradeStatus.rolledBack') }).waitFor({ timeout: 10_000 })
    checks.ok(`header: the last upgrade shows ${t('upgradeStatus.rolledBack')}`, true)
  } else {
    const row = page.locator('.job').filter({ hasText: last.title })
    await row.waitFor({ timeout: 10_000 })
    checks.ok(`progress panel: the upgrade is shown as ${t('jobState.failed')}`, ((await row.textContent()) ?? '').includes(t('jobState.failed')))
  }
  await ctx.shot('upgrade-rolled-back-en')
}
