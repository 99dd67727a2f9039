// The backup selection dialog and a full restore, checked on disk.
import { writeFileSync } from 'node:fs'
import { checkStream } from '../lib/events.mjs'
import { captureRunning, jobRunning } from './progress.mjs'

export const changedNotes = 'changed after the backup: must be rolled back by a full restore\n'
export const originalNotes = 'original notes, written before the first backup\n'

/** changeFiles edits the deployment after the backup. */
export function changeFiles(ctx) {
  const { dep, checks } = ctx
  writeFileSync(dep.path('data/notes.txt'), changedNotes)
  writeFileSync(dep.path('data/added-after-backup.txt'), 'new\n')
  writeFileSync(dep.path('config/app.conf'), 'listen = 9090\n')
  checks.ok('disk: data/notes.txt and config/app.conf changed, data/added-after-backup.txt added', dep.read('data/notes.txt') === changedNotes)
}

/** openDialog opens the restore dialog from the toolbar and returns it. */
async function openDialog(ctx) {
  const { page, t } = ctx
  await page.getByRole('button', { name: t('main.restore'), exact: true }).click()
  const dialog = page.getByRole('dialog', { name: t('restore.title') })
  await dialog.waitFor()
  await dialog.locator('.cards').waitFor({ timeout: 20_000 })
  return dialog
}

/** choose selects a backup and a mode and waits for the preview. */
async function choose(ctx, dialog, id, mode) {
  const { t } = ctx
  await dialog.getByRole('radio', { name: t('restore.cardTitle', { id }), exact: true }).check()
  await dialog.getByRole('radio', { name: t(`mode.${mode}`), exact: true }).check()
  await dialog.getByRole('heading', { name: t('preview.title'), exact: true }).waitFor({ timeout: 30_000 })
}

/** restoreDialogPicture opens the dialog, fills it in the current language, takes a picture and cancels. */
export async function restoreDialogPicture(ctx, name) {
  const { page, checks, t } = ctx
  const dialog = await openDialog(ctx)
  checks.ok(`restore dialog (${ctx.lang}): nothing is selected on opening`, (await dialog.getByRole('radio', { checked: true }).count()) === 0)
  checks.ok(`restore dialog (${ctx.lang}): Restore is disabled without a selection`, await dialog.getByRole('button', { name: t('restore.confirm'), exact: true }).isDisabled())
  await choose(ctx, dialog, ctx.backupId, 'full')
  await ctx.shot(name)
  await page.keyboard.press('Escape')
  await dialog.waitFor({ state: 'detached', timeout: 5_000 })
  checks.ok(`restore dialog (${ctx.lang}): Escape closes it`, true)
}

export async function restoreFull(ctx) {
  const { page, checks, events, dep, t } = ctx
  const id = ctx.backupId
  const dialog = await openDialog(ctx)
  checks.ok('restore dialog: the selection was reset on reopening', (await dialog.getByRole('radio', { checked: true }).count()) === 0)
  const legend = (await dialog.locator('.cards-fieldset legend').textContent()) ?? ''
  checks.equal('restore dialog: the list says how many backups can be restored', legend, t('restore.found', { count: 1 }))
  await choose(ctx, dialog, id, 'full')
  const preview = dialog.locator('.preview-box')
  const text = (await preview.textContent()) ?? ''
  checks.ok('restore preview: lists replaced, added, removed and lost', ['preview.replaced', 'preview.added', 'preview.removed', 'preview.lost'].every((k) => text.includes(t(k))))
  const restoreButton = dialog.getByRole('button', { name: t('restore.confirm'), exact: true })
  const confirm = dialog.getByLabel(t('preview.typeName', { name: ctx.name }))
  if (await confirm.count()) {
    checks.ok('restore dialog: a restore that discards data waits for the typed name', await restoreButton.isDisabled())
    await confirm.fill(ctx.name.slice(0, -1))
    checks.ok('restore dialog: a wrong name keeps Restore disabled', await restoreButton.isDisabled())
    await confirm.fill(ctx.name)
  } else {
    checks.ok('restore preview: a full restore over changed data should ask for the name', false, 'no confirmation field')
  }
  checks.ok('restore dialog: Restore is enabled once everything is chosen', await restoreButton.isEnabled())
  await ctx.shot('restore-dialog-en')

  const mark = events.mark()
  await restoreButton.click()
  const first = await events.firstOfKind('restore', mark)
  await dialog.waitFor({ state: 'detached', timeout: 10_000 })
  if (!ctx.runningShot && (await captureRunning(ctx, first.id, 'progress-restore-en', jobRunning(page)))) ctx.runningShot = 'progress-restore-en'
  const last = await events.final(first.id, 240_000)
  const { phases } = checkStream(checks, 'restore job', events.of(first.id), 'succeeded')
  for (const p of ['extracting', 'swapping', 'starting']) checks.ok(`restore job: phase ${p} reported`, phases.includes(p), phases.join(','))
  checks.ok('restore job: no error', last.error === null, JSON.stringify(last.error))

  const row = page.locator('.job').filter({ hasText: last.title })
  await row.locator('.badge', { hasText: t('jobState.succeeded') }).waitFor({ timeout: 10_000 })
  const message = ((await row.locator('.job-message').textContent()) ?? '').trim()
  checks.ok(`progress panel: the restore shows ${t('jobState.succeeded')} and says "${message}"`, message.length > 0)
  await page.locator('.pill', { hasText: t('backupType.preRestore') }).first().waitFor({ timeout: 10_000 })
  checks.ok('backups table: the replaced files are kept as a pre-restore backup', true)
  await ctx.shot('restore-done-en')

  checks.equal('disk: data/notes.txt is back to its backed-up content', dep.read('data/notes.txt'), originalNotes)
  checks.ok('disk: data/added-after-backup.txt is gone', !dep.exists('data/added-after-backup.txt'))
  checks.equal('disk: config/app.conf is back', dep.read('config/app.conf'), 'listen = 8080\ntheme = light\n')
  const cs = await dep.waitHealthy(30_000)
  checks.ok(`docker: web runs healthy again after the restore (${fmt(cs)})`, cs.length === 1 && cs[0].state === 'running' && cs[0].health === 'healthy')
}

export const fmt = (cs) => cs.map((c) => `${c.image} ${c.state}${c.health ? '/' + c.health : ''}`).join(', ')
