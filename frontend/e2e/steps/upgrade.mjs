// An upgrade to a version that crashes (rewind-svc:3) and its automatic rollback.
import { checkStream } from '../lib/events.mjs'
import { has } from '../lib/i18n.mjs'
import { captureRunning } from './progress.mjs'
import { fmt, originalNotes } from './restore.mjs'

/** upgradeView finds the navigation to the Upgrade view when the app has one. */
async function upgradeNav(ctx) {
  for (const key of ['nav.upgrade', 'view.upgrade', 'views.upgrade', 'tabs.upgrade', 'tab.upgrade']) {
    if (!has(key)) continue
    const nav = ctx.page.getByRole('tab', { name: ctx.t(key), exact: true }).or(ctx.page.getByRole('link', { name: ctx.t(key), exact: true })).or(ctx.page.getByRole('button', { name: ctx.t(key), exact: true }))
    if (await nav.count()) return nav.first()
  }
  return null
}

export async function upgradeRollsBack(ctx) {
  const { page, checks, events, dep, t } = ctx
  const nav = await upgradeNav(ctx)
  if (nav) {
    await nav.click()
    await ctx.shot('upgrade-view-en')
  }
  console.log('        upgrade started through window.go.main.App.StartUpgrade (the Upgrade view is driven by the bindings)')
  const id = await page.evaluate(() => window.go.main.App.StartUpgrade({ to: '3', noRollback: false, healthWindowSeconds: 10 }))
  checks.ok(`StartUpgrade returned job ${id}`, typeof id === 'string' && id.length > 0)
  await captureRunning(ctx, id, 'progress-upgrade-en')
  const last = await events.final(id, 300_000)
  const { phases } = checkStream(checks, 'upgrade job', events.of(id), 'failed')
  checks.ok('upgrade job: health check and rollback phases reported', phases.includes('health') && phases.includes('extracting'), phases.join(','))
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
  checks.ok(`docker: web runs rewind-svc:2 and is healthy after the rollback (${fmt(cs)})`, cs.length === 1 && cs[0].image === 'rewind-svc:2' && cs[0].state === 'running' && cs[0].health === 'healthy')

  // What the admin sees.
  const row = page.locator('.job').filter({ hasText: last.title })
  await row.waitFor({ timeout: 10_000 })
  const rowText = (await row.textContent()) ?? ''
  checks.ok(`progress panel: the upgrade is shown as ${t('jobState.failed')}`, rowText.includes(t('jobState.failed')), rowText.slice(0, 200))
  const alert = row.getByRole('alert')
  const alertText = (await alert.count()) ? ((await alert.first().textContent()) ?? '') : ''
  console.log(`        the panel says: ${alertText.replace(/\s+/g, ' ').slice(0, 300)}`)
  await ctx.shot('upgrade-rolled-back-en')
  const pre = await page.evaluate(() => window.go.main.App.ListBackups())
  checks.ok('catalog: the pre-upgrade backup of version 2 exists', pre.some((b) => b.type === 'pre-upgrade' && b.version === '2' && b.status === 'completed'))
}
