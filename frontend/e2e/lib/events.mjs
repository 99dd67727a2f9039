// Records every job:update event the page receives. The page subscribes with
// window.runtime.EventsOn as soon as the Wails runtime exists (on every load, so a
// reload by vite does not lose the subscription) and hands each snapshot to Node.

export async function recordJobEvents(page) {
  const events = []
  await page.exposeBinding('__e2eJobEvent', (_source, job) => {
    events.push(job)
  })
  await page.addInitScript(() => {
    const timer = setInterval(() => {
      const rt = window.runtime
      if (rt && typeof rt.EventsOn === 'function') {
        clearInterval(timer)
        rt.EventsOn('job:update', (job) => window.__e2eJobEvent(job))
        window.__e2eSubscribed = true
      }
    }, 20)
  })
  return new JobEvents(events)
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

class JobEvents {
  constructor(events) {
    this.events = events
  }

  /** mark returns a position; since(mark) returns the events received after it. */
  mark() {
    return this.events.length
  }

  since(mark) {
    return this.events.slice(mark)
  }

  /** of returns the snapshots of one job in arrival order. */
  of(id) {
    return this.events.filter((e) => e.id === id)
  }

  /** waitFor polls until pred holds for some event and returns that event. */
  async waitFor(pred, timeoutMs, what) {
    const end = Date.now() + timeoutMs
    for (;;) {
      const hit = this.events.find(pred)
      if (hit) return hit
      if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`)
      await sleep(50)
    }
  }

  /** firstOfKind waits for the first snapshot of a job of kind that arrived after mark. */
  async firstOfKind(kind, mark, timeoutMs = 30_000) {
    const end = Date.now() + timeoutMs
    for (;;) {
      const hit = this.events.slice(mark).find((e) => e.kind === kind)
      if (hit) return hit
      if (Date.now() > end) throw new Error(`no ${kind} job event within ${timeoutMs / 1000}s`)
      await sleep(50)
    }
  }

  /** final waits for the job's final snapshot (state other than running). */
  final(id, timeoutMs) {
    return this.waitFor((e) => e.id === id && e.state !== 'running', timeoutMs, `the final event of job ${id}`)
  }
}

/**
 * checkStream asserts what every job's stream must look like: several snapshots with
 * distinct, increasing seq numbers, exactly one final snapshot, and it carries the
 * highest seq and the expected state. Snapshots may arrive out of order (the Go side
 * emits outside its lock; the UI keeps the highest seq), so order is reported, not required.
 */
export function checkStream(checks, label, snaps, wantState, minSnapshots = 3) {
  const seqs = snaps.map((s) => s.seq)
  const sorted = [...seqs].sort((a, b) => a - b)
  checks.ok(`${label}: ${snaps.length} progress snapshots arrived (at least ${minSnapshots})`, snaps.length >= minSnapshots, `seqs ${seqs}`)
  checks.ok(
    `${label}: every snapshot has its own seq, increasing ${sorted[0]}..${sorted[sorted.length - 1]}`,
    sorted.every((s, i) => i === 0 || s > sorted[i - 1]),
    `seqs ${seqs}`,
  )
  const late = seqs.filter((s, i) => i > 0 && s < Math.max(...seqs.slice(0, i))).length
  if (late > 0) console.log(`        note: ${late} snapshot(s) arrived after a newer one (seqs ${seqs})`)
  const finals = snaps.filter((s) => s.state !== 'running')
  const last = finals[0]
  checks.ok(`${label}: exactly one final snapshot, with the highest seq`, finals.length === 1 && last.seq === sorted[sorted.length - 1], `${finals.length} finals, seqs ${seqs}`)
  checks.equal(`${label}: final state`, last?.state, wantState)
  if (wantState === 'succeeded') {
    // The success state shows job.message: a finished job must not keep saying what it
    // was doing ("scanning files").
    const said = new Set(snaps.filter((s) => s.state === 'running').map((s) => s.message).filter(Boolean))
    checks.ok(`${label}: the success message is not a leftover progress message (${JSON.stringify(last?.message)})`, !said.has(last?.message))
  }
  const phases = [...new Set(snaps.map((s) => s.phase))]
  console.log(`        phases seen: ${phases.join(' → ')}`)
  return { last, phases }
}
