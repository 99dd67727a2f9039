import * as App from '../../wailsjs/go/main/App'
import { arr, call } from './call'
import type { Backup } from './types'
import type { PruneResult, Settings } from './types-ops'

// Wrappers for the settings screen: settings, retention and moving the storage.

function normSettings(s: Settings): Settings {
  return {
    ...s,
    dataPaths: arr(s.dataPaths),
    excludes: arr(s.excludes),
    retention: { keepLast: s.retention?.keepLast ?? 0, keepDays: s.retention?.keepDays ?? 0 },
  }
}

export const getSettings = () => call<Settings>(async () => normSettings((await App.GetSettings()) as unknown as Settings))

/** saveSettings stores data paths, excludes, version key and retention; returns what was saved. */
export const saveSettings = (s: Settings) =>
  call<Settings>(async () => normSettings((await App.SaveSettings({ ...s, retention: { ...s.retention } })) as unknown as Settings))

/** pruneBackups applies the saved retention policy, or only lists what would go. */
export const pruneBackups = (dryRun: boolean) =>
  call<PruneResult>(async () => {
    const r = (await App.PruneBackups(dryRun)) as unknown as PruneResult
    return { ...r, removed: arr<Backup>(r.removed), kept: arr<Backup>(r.kept) }
  })

/** startMoveStorage starts moving every archive to dir and returns the job ID. */
export const startMoveStorage = (dir: string) => call<string>(() => App.StartMoveStorage(dir))
