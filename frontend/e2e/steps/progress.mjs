// Screenshots of a job while it runs.

/**
 * captureRunning waits until the job reaches a snapshot that pred accepts (default:
 * bytes moving), then takes a screenshot while the UI still shows it running
 * (shown: a locator that is visible only while it runs). Returns whether the
 * picture shows the running job; a job that ends first returns false.
 */
export async function captureRunning(ctx, jobId, name, shown, pred = (e) => e.bytesDone > 0) {
  const { events } = ctx
  try {
    await shown.first().waitFor({ timeout: 10_000 })
    await events.waitFor((e) => e.id === jobId && (pred(e) || e.state !== 'running'), 60_000, `${jobId} to make progress`)
  } catch {
    return false
  }
  if (events.of(jobId).at(-1)?.state !== 'running') return false
  await ctx.shot(name)
  const after = events.of(jobId).at(-1)
  if ((await shown.count()) === 0 || after?.state !== 'running') return false
  console.log(`        screenshot ${name} shows ${after.title} in phase ${after.phase}`)
  return true
}

/** jobRunning is the progress panel's row of a running job. */
export const jobRunning = (page) => page.locator('.job.job-running')
