import * as App from '../../wailsjs/go/main/App'
import { arr, call } from './call'
import type { Operation, Preflight, RollbackPlan, Upgrade, UpgradeRequest } from './types-ops'

// Wrappers for upgrades, rollbacks and the operations journal.

/** normUpgrade fills what Go leaves out (omitempty strings, nil slices, nil pointers). */
export function normUpgrade(u: Upgrade): Upgrade {
  return {
    ...u,
    finishedAt: u.finishedAt ?? null,
    error: u.error ?? '',
    rollbackReason: u.rollbackReason ?? '',
    imagesBefore: arr(u.imagesBefore),
    imagesAfter: arr(u.imagesAfter),
    rollbackHealthy: u.rollbackHealthy ?? null,
  }
}

function normPreflight(p: Preflight): Preflight {
  return { ...p, compose: p.compose ?? '', images: arr(p.images), problems: arr(p.problems), warnings: arr(p.warnings) }
}

function normOperation(o: Operation): Operation {
  const facts = o.facts && typeof o.facts === 'object' && !Array.isArray(o.facts) ? o.facts : null
  return { ...o, facts, finishedAt: o.finishedAt ?? null, error: o.error ?? '' }
}

/** checkUpgrade runs the preflight for a target version; nothing changes. */
export const checkUpgrade = (to: string) =>
  call<Preflight>(async () => normPreflight((await App.CheckUpgrade(to)) as unknown as Preflight))

/** startUpgrade starts the upgrade job and returns its ID. */
export const startUpgrade = (req: UpgradeRequest) => call<string>(() => App.StartUpgrade({ ...req }))

/** listUpgrades returns the upgrade history, newest first. */
export const listUpgrades = () =>
  call<Upgrade[]>(async () => arr((await App.ListUpgrades()) as unknown as Upgrade[]).map(normUpgrade))

/** planRollback previews rolling back an upgrade; 0 picks the newest one still in effect. */
export const planRollback = (upgradeId: number) =>
  call<RollbackPlan>(async () => {
    const p = (await App.PlanRollback(upgradeId)) as unknown as RollbackPlan
    return { ...p, images: arr(p.images), steps: arr(p.steps) }
  })

/** startRollback starts the rollback job (not cancellable) and returns its ID. */
export const startRollback = (upgradeId: number) => call<string>(() => App.StartRollback(upgradeId))

/** listOperations returns the journal of mutating operations, newest first. */
export const listOperations = (limit: number) =>
  call<Operation[]>(async () => arr((await App.ListOperations(limit)) as unknown as Operation[]).map(normOperation))
