// Looks at the deployment from outside the app: its files and its containers.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export class Deployment {
  constructor(dir, composeProject) {
    this.dir = dir
    this.composeProject = composeProject
  }

  path(rel) {
    return join(this.dir, rel)
  }

  read(rel) {
    return readFileSync(this.path(rel), 'utf8')
  }

  exists(rel) {
    return existsSync(this.path(rel))
  }

  /** env returns the value of key in the deployment's .env. */
  env(key) {
    const line = this.read('.env')
      .split('\n')
      .find((l) => l.startsWith(`${key}=`))
    return line?.slice(key.length + 1).trim()
  }

  /** containers lists the project's containers: name, image, state, health. */
  containers() {
    const ids = docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${this.composeProject}`)
      .split('\n')
      .filter(Boolean)
    if (ids.length === 0) return []
    const fmt = '{{.Name}}\t{{.Config.Image}}\t{{.State.Status}}\t{{if .State.Health}}{{.State.Health.Status}}{{end}}'
    return docker('inspect', '-f', fmt, ...ids)
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [name, image, state, health] = l.split('\t')
        return { name: name.replace(/^\//, ''), image, state, health }
      })
  }

  /** waitHealthy waits until every container runs and is healthy. */
  async waitHealthy(timeoutMs) {
    const end = Date.now() + timeoutMs
    for (;;) {
      const cs = this.containers()
      if (cs.length > 0 && cs.every((c) => c.state === 'running' && c.health === 'healthy')) return cs
      if (Date.now() > end) return cs
      await new Promise((r) => setTimeout(r, 250))
    }
  }
}

function docker(...args) {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
}
