// Route B of the end-to-end tests: drives the app served by `wails dev` with
// headless Chromium (playwright-core). Started by .ci/e2e, which sets up the
// deployment, the Docker engine and the dev server, and passes:
//   E2E_URL              the dev server, e.g. http://localhost:34115
//   E2E_PROJECT          the deployment directory
//   E2E_NAME             the deployment's name
//   E2E_COMPOSE_PROJECT  its Compose project name
//   E2E_OUT              where screenshots go
//   E2E_RESULT           a JSON file that receives {passed, failed}
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { Checks } from './lib/checks.mjs'
import { recordJobEvents } from './lib/events.mjs'
import { Deployment } from './lib/host.mjs'
import { has, t } from './lib/i18n.mjs'
import { createBackup, details } from './steps/backup.mjs'
import { dismissFinished, open, setLanguage, showTab } from './steps/main.mjs'
import { changeFiles, restoreDialogPicture, restoreFull } from './steps/restore.mjs'
import { upgradeRollsBack } from './steps/upgrade.mjs'

const need = (k) => process.env[k] || (console.error(`run.mjs: ${k} is not set`), process.exit(2))
const env = {
  url: need('E2E_URL'),
  project: need('E2E_PROJECT'),
  name: need('E2E_NAME'),
  composeProject: need('E2E_COMPOSE_PROJECT'),
  out: need('E2E_OUT'),
  result: process.env.E2E_RESULT,
}

const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
]

const checks = new Checks()
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs, timeout: 120_000 })
let exitCode = 0
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' })
  context.setDefaultTimeout(30_000)
  const page = await context.newPage()
  const pageErrors = []
  page.on('pageerror', (e) => pageErrors.push(`${e.message} at ${(e.stack ?? '').split('\n').slice(1, 4).join(' ').replace(/\s+/g, ' ')}`))
  const events = await recordJobEvents(page)
  const ctx = {
    ...env,
    page,
    checks,
    events,
    dep: new Deployment(env.project, env.composeProject),
    lang: 'en',
    runningShot: null,
    backupId: null,
    t: (key, vars) => t(ctx.lang, key, vars),
    shot: async (name) => {
      await page.screenshot({ path: join(env.out, `${name}.png`) })
      console.log(`        screenshot ${name}.png`)
    },
  }

  const opened = await checks.step('open the app', () => open(ctx))
  const backedUp = opened && (await checks.step('create a backup and follow its progress', () => createBackup(ctx)))
  if (backedUp) {
    await checks.step('main view (en)', async () => {
      await dismissFinished(ctx)
      await ctx.shot('main-en')
    })
    await checks.step('details panel', () => details(ctx))
    await checks.step('change files after the backup', () => changeFiles(ctx))
    await checks.step('main view and restore dialog in Chinese', async () => {
      await setLanguage(ctx, 'zh')
      await ctx.shot('main-zh')
      await restoreDialogPicture(ctx, 'restore-dialog-zh')
      await setLanguage(ctx, 'en')
    })
    await checks.step('full restore from the dialog', () => restoreFull(ctx))
    await checks.step('upgrade to a crashing version rolls back', async () => {
      await dismissFinished(ctx)
      await upgradeRollsBack(ctx)
    })
    if (has('tabs.activity')) {
      await checks.step('upgrade outcome in Chinese, activity view', async () => {
        await setLanguage(ctx, 'zh')
        await ctx.shot('upgrade-rolled-back-zh')
        await setLanguage(ctx, 'en')
        const activity = await showTab(ctx, 'tabs.activity')
        await activity.getByText(ctx.t('opKind.upgrade'), { exact: true }).first().waitFor({ timeout: 15_000 })
        checks.ok('activity view: lists the upgrade', true)
        await ctx.shot('activity-en')
      })
    }
    checks.ok(`a screenshot shows a running job's progress (${ctx.runningShot})`, ctx.runningShot !== null)
  }
  // Wails's dev-mode bridge (/wails/ipc.js) mounts a Svelte "disconnected" overlay that
  // throws in headless Chromium; it is not part of the app, so it is reported, not failed.
  const bridge = pageErrors.filter((e) => e.includes('/wails/ipc.js'))
  for (const e of bridge) console.log(`        note: error inside the Wails dev bridge: ${e}`)
  const appErrors = pageErrors.filter((e) => !bridge.includes(e))
  checks.ok('no uncaught errors in the app', appErrors.length === 0, appErrors.join(' | '))
} catch (e) {
  checks.ok('the browser session', false, e?.message)
  exitCode = 1
} finally {
  await browser.close().catch(() => {})
}
if (env.result) writeFileSync(env.result, JSON.stringify({ passed: checks.passed, failed: checks.failed }))
console.log(`route B: ${checks.passed} passed, ${checks.failed} failed`)
process.exit(checks.failed > 0 ? 1 : exitCode)
