// A small assertion log: every check prints one line and is counted; a step that
// throws counts as one failed check and the run goes on with the next step.

export class Checks {
  passed = 0
  failed = 0

  /** ok records a check; detail explains a failure. Returns cond as a boolean. */
  ok(name, cond, detail = '') {
    if (cond) {
      this.passed++
      console.log(`  ok    ${name}`)
    } else {
      this.failed++
      console.log(`  FAIL  ${name}${detail ? `: ${detail}` : ''}`)
    }
    return Boolean(cond)
  }

  /** equal checks got === want. */
  equal(name, got, want) {
    return this.ok(name, got === want, `got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`)
  }

  /** step runs fn; an exception fails the step. Returns whether it completed. */
  async step(name, fn) {
    const t0 = Date.now()
    console.log(`-- ${name}`)
    try {
      await fn()
      return true
    } catch (e) {
      this.ok(`${name} completed`, false, String(e?.message ?? e).split('\n')[0])
      if (process.env.E2E_VERBOSE) console.log(e?.stack)
      return false
    } finally {
      console.log(`   ${name}: ${((Date.now() - t0) / 1000).toFixed(1)}s`)
    }
  }
}
