// Opening the app, the header, the backups table and the language switch.

/** open loads the app and waits for the bindings, the runtime and the first data. */
export async function open(ctx) {
  const { page, checks } = ctx
  await page.goto(ctx.url, { waitUntil: 'domcontentloaded', timeout: 120_000 })
  await page.waitForFunction(() => window.go?.main?.App && window.runtime && window.__e2eSubscribed, null, {
    timeout: 120_000,
  })
  checks.ok('the page has the Go bindings and the Wails runtime, and listens to job:update', true)
  await page.getByRole('heading', { name: ctx.t('main.backups'), exact: true }).waitFor({ timeout: 60_000 })
  const header = page.locator('header.app-header')
  await header.locator('.deployment-name').waitFor({ timeout: 30_000 })
  checks.equal('header: deployment name', await header.locator('.deployment-name').textContent(), ctx.name)
  checks.equal('header: deployment path', await header.locator('.deployment-path').textContent(), ctx.dep.dir)
  checks.equal('header: running version', await factValue(header, ctx.t('header.version')), '2')
  checks.equal('header: Docker engine', await factValue(header, ctx.t('header.docker')), ctx.t('header.dockerReachable'))
  const chip = header.locator('.chip').first()
  const chipText = (await chip.textContent()) ?? ''
  checks.ok(`header: service chip "${chipText}" shows web running`, /^web/.test(chipText) && /running/.test(chipText), chipText)
  await page.getByText(ctx.t('table.empty')).waitFor({ timeout: 30_000 })
  checks.ok('backups table: the empty state invites to create the first backup', true)
}

async function factValue(scope, label) {
  const fact = scope.locator('dl div').filter({ has: scope.page().locator('dt', { hasText: label }) })
  return ((await fact.locator('dd').first().textContent()) ?? '').trim()
}

/** setLanguage switches the UI language through the header's select. */
export async function setLanguage(ctx, lang) {
  const { page, checks } = ctx
  const before = ctx.lang
  await page.getByLabel(ctx.t('header.language')).selectOption(lang)
  ctx.lang = lang
  await page.getByLabel(ctx.t('header.language')).waitFor({ timeout: 10_000 })
  const htmlLang = await page.evaluate(() => document.documentElement.lang)
  checks.ok(`language ${before} → ${lang}: labels and <html lang=${htmlLang}> follow`, htmlLang.startsWith(lang), htmlLang)
}

/** dismissFinished hides finished jobs so the next screenshot shows the table. */
export async function dismissFinished(ctx) {
  const buttons = ctx.page.locator('.job .job-buttons button')
  for (let n = await buttons.count(); n > 0; n = await buttons.count()) {
    await buttons.first().click()
  }
}

/** showTab opens one of the views through the header's tabs. */
export async function showTab(ctx, key) {
  await ctx.page.getByRole('tab', { name: ctx.t(key), exact: true }).click()
  return ctx.page.getByRole('tabpanel', { name: ctx.t(key) })
}
