// Creating a backup from the UI and watching its progress events.
import { existsSync, statSync } from 'node:fs'
import { checkStream } from '../lib/events.mjs'
import { captureRunning, jobRunning } from './progress.mjs'

export async function createBackup(ctx) {
  const { page, checks, events, t } = ctx
  const mark = events.mark()
  await page.getByRole('button', { name: t('main.create'), exact: true }).click()
  const dialog = page.getByRole('dialog', { name: t('create.title') })
  await dialog.waitFor()
  checks.ok('create dialog: "stop the services" is preselected while a service runs', await dialog.getByRole('checkbox').isChecked())
  await dialog.getByLabel(t('create.description')).fill('e2e: before the changes')
  await dialog.getByRole('button', { name: t('create.start'), exact: true }).click()

  const first = await events.firstOfKind('backup', mark)
  if (await captureRunning(ctx, first.id, 'progress-backup-en', jobRunning(page))) ctx.runningShot ??= 'progress-backup-en'
  const last = await events.final(first.id, 180_000)
  await dialog.waitFor({ state: 'detached', timeout: 5_000 })
  const { phases } = checkStream(checks, 'backup job', events.of(first.id), 'succeeded')
  for (const p of ['stopping', 'archiving', 'starting']) checks.ok(`backup job: phase ${p} reported`, phases.includes(p), phases.join(','))
  const mid = events.of(first.id).filter((e) => e.phase === 'archiving' && e.bytesTotal > 0)
  checks.ok(
    `backup job: archiving snapshots carry bytes done of total (${mid.map((e) => Math.round((100 * e.bytesDone) / e.bytesTotal) + '%').join(' ')})`,
    mid.length > 0 && mid.every((e, i) => i === 0 || e.bytesDone >= mid[i - 1].bytesDone),
  )
  checks.ok('backup job: final snapshot has no error', last.error === null, JSON.stringify(last.error))

  // The UI says so, and the table gains the row.
  const row = page.locator('.job').filter({ hasText: last.title })
  await row.locator('.badge', { hasText: t('jobState.succeeded') }).waitFor({ timeout: 10_000 })
  checks.ok(`progress panel: "${last.title}" shows ${t('jobState.succeeded')}`, true)
  const backups = await page.evaluate(() => window.go.main.App.ListBackups())
  checks.equal('catalog: one backup', backups.length, 1)
  const b = backups[0]
  ctx.backupId = b.id
  checks.ok(`catalog: backup #${b.id} completed, version ${b.version}, ${b.fileCount} files`, b.status === 'completed' && b.version === '2' && b.fileCount > 0, JSON.stringify(b))
  checks.ok(`disk: archive ${b.name} exists with the recorded size`, existsSync(b.path) && statSync(b.path).size === b.size)
  await page.getByRole('button', { name: t('actions.detailsOf', { id: b.id }), exact: true }).waitFor({ timeout: 10_000 })
  checks.ok(`backups table: row #${b.id} appears`, true)
}

export async function details(ctx) {
  const { page, checks, t } = ctx
  const id = ctx.backupId
  await page.getByRole('button', { name: t('actions.detailsOf', { id }), exact: true }).click()
  const panel = page.getByRole('region', { name: t('details.title', { id }) })
  await panel.getByRole('heading', { name: t('details.facts'), exact: true }).waitFor({ timeout: 20_000 })
  for (const h of ['details.images', 'details.breakdown', 'details.tree']) {
    checks.ok(`details: section "${t(h)}"`, await panel.getByRole('heading', { name: t(h), exact: true }).isVisible())
  }
  const text = (await panel.textContent()) ?? ''
  checks.ok('details: the images table names rewind-svc:2', text.includes('rewind-svc:2'))
  checks.ok('details: the tree lists data/notes.txt', /notes\.txt/.test(text))
  await ctx.shot('details-en')
  await panel.getByRole('button', { name: t('details.close') }).click()
  await panel.waitFor({ state: 'detached' })
}
