// Screenshots of a job while it runs.

/**
 * captureRunning takes a screenshot of the progress panel while the job still
 * runs, once per run (ctx.runningShot). A job that ends before the picture is
 * taken leaves the chance to the next one.
 */
export async function captureRunning(ctx, jobId, name) {
  if (ctx.runningShot) return
  const { page, events } = ctx
  const running = page.locator('.job.job-running')
  try {
    await running.first().waitFor({ timeout: 5_000 })
    // wait for a phase that moves bytes, so the bar shows something
    await events.waitFor((e) => e.id === jobId && (e.bytesDone > 0 || e.state !== 'running'), 20_000, 'progress')
  } catch {
    return
  }
  const before = events.of(jobId).at(-1)
  if (before?.state !== 'running') return
  await ctx.shot(name)
  const shown = await running.count()
  const after = events.of(jobId).at(-1)
  if (shown > 0 && after?.state === 'running') {
    ctx.runningShot = name
    console.log(`        screenshot ${name} shows ${after.title} in phase ${after.phase}`)
  }
}
