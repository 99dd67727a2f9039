import type {
  Backup,
  BackupDetails,
  HealthReport,
  Job,
  Operation,
  Preflight,
  RestorePlan,
  RollbackPlan,
  Settings,
  Status,
  Upgrade,
} from '../api'

export function makeBackup(over: Partial<Backup> = {}): Backup {
  const id = over.id ?? 1
  return {
    id,
    name: `backup_manual_v1.2.0_2025-10-31_02-00-0${id % 10}.tar.gz`,
    type: 'manual',
    status: 'completed',
    version: '1.2.0',
    path: `/backups/shop/backup_manual_v1.2.0_2025-10-31_02-00-0${id % 10}.tar.gz`,
    size: 1572864,
    fileCount: 42,
    sha256: 'ab'.repeat(32),
    compression: 'gzip',
    createdAt: '2025-10-31T02:00:00Z',
    fileExists: true,
    verifiedAt: null,
    description: '',
    error: '',
    warnings: [],
    ...over,
  }
}

export function makeJob(over: Partial<Job> = {}): Job {
  return {
    id: 'job-1',
    kind: 'backup',
    title: 'Backup of shop',
    state: 'running',
    phase: 'archiving',
    bytesDone: 1048576,
    bytesTotal: 4194304,
    filesDone: 10,
    filesTotal: 40,
    rate: 2097152,
    etaSeconds: 2,
    seq: 1,
    startedAt: '2025-10-31T02:00:00Z',
    finishedAt: null,
    cancellable: true,
    committed: false,
    message: '',
    error: null,
    result: null,
    log: [],
    ...over,
  }
}

export function makePlan(over: Partial<RestorePlan> = {}): RestorePlan {
  return {
    backupId: 1,
    mode: 'app',
    replaced: { files: 12, bytes: 2048 },
    added: { files: 3, bytes: 1024 },
    removed: { files: 1, bytes: 10 },
    lost: { files: 0, bytes: 0 },
    containers: ['shop_web_1', 'shop_db_1'],
    discardsData: false,
    deploymentName: 'shop',
    targets: ['app', 'docker-compose.yml'],
    needBytes: 52 * 1024 * 1024,
    ...over,
  }
}

export function makeStatus(over: Partial<Status> = {}): Status {
  return {
    deployment: {
      id: 1,
      name: 'shop',
      path: '/srv/shop',
      dataPaths: ['data'],
      excludes: [],
      versionKey: 'APP_VERSION',
      storageDir: '/backups/shop',
      composeProject: 'shop',
    },
    version: '1.2.0',
    docker: { reachable: true, error: '' },
    services: [
      { service: 'web', name: 'shop_web_1', state: 'running', health: 'healthy', running: true },
      { service: 'db', name: 'shop_db_1', state: 'running', health: '', running: true },
    ],
    lastUpgrade: null,
    recovery: [],
    ...over,
  }
}

export function makeDetails(over: Partial<BackupDetails> = {}): BackupDetails {
  return {
    backup: makeBackup({ verifiedAt: '2025-10-31T03:00:00Z' }),
    manifest: {
      formatVersion: 1,
      deployment: 'shop',
      project: 'shop',
      type: 'manual',
      version: '1.2.0',
      createdAt: '2025-10-31T02:00:00Z',
      description: '',
      paths: ['app', 'data', 'docker-compose.yml'],
      excludes: [],
      dataPaths: ['data'],
      compression: 'gzip',
      totals: { entries: 5, files: 3, bytes: 3000 },
      services: [
        { service: 'web', image: 'shop:1.2.0', imageId: 'sha256:' + 'c'.repeat(64), repoDigest: 'shop@sha256:' + 'd'.repeat(64) },
      ],
    },
    breakdown: [
      { path: 'app', bytes: 1000, files: 1 },
      { path: 'data', bytes: 2000, files: 2 },
    ],
    entries: [
      { path: 'app', type: 'dir', size: 0, mode: 0o755, mtime: '2025-10-31T01:00:00Z', uid: 0, gid: 0 },
      { path: 'app/main.js', type: 'file', size: 1000, mode: 0o644, mtime: '2025-10-31T01:00:00Z', uid: 0, gid: 0 },
      { path: 'data', type: 'dir', size: 0, mode: 0o755, mtime: '2025-10-31T01:00:00Z', uid: 0, gid: 0 },
      { path: 'data/db.sqlite', type: 'file', size: 2000, mode: 0o644, mtime: '2025-10-31T01:00:00Z', uid: 0, gid: 0 },
      { path: 'data/current', type: 'symlink', size: 0, mode: 0o777, mtime: '2025-10-31T01:00:00Z', uid: 0, gid: 0, link: 'db.sqlite' },
    ],
    entriesTotal: 5,
    ...over,
  }
}

export function makeUpgrade(over: Partial<Upgrade> = {}): Upgrade {
  return {
    id: 7,
    fromVersion: '1.2.0',
    toVersion: '1.3.0',
    status: 'succeeded',
    startedAt: '2025-10-31T02:00:00Z',
    finishedAt: '2025-10-31T02:01:30Z',
    durationMs: 90000,
    backupId: 12,
    error: '',
    rollbackReason: '',
    imagesBefore: [],
    imagesAfter: [],
    rollbackHealthy: null,
    ...over,
  }
}

export function makePreflight(over: Partial<Preflight> = {}): Preflight {
  return {
    from: '1.2.0',
    to: '1.3.0',
    compose: 'docker-compose 1.29.2',
    images: [
      { service: 'web', image: 'shop:1.3.0', imageId: 'sha256:' + 'e'.repeat(64), present: true, pulled: false },
      { service: 'db', image: 'postgres:16', imageId: '', present: false, pulled: false, error: 'not present locally (it will be pulled)' },
    ],
    rawBytes: 300 * 1024 * 1024,
    backupBytes: 120 * 1024 * 1024,
    freeBytes: 12 * 1024 * 1024 * 1024,
    problems: [],
    warnings: [],
    ...over,
  }
}

export function makeRollbackPlan(over: Partial<RollbackPlan> = {}): RollbackPlan {
  return {
    upgradeId: 7,
    status: 'succeeded',
    fromVersion: '1.2.0',
    toVersion: '1.3.0',
    currentVersion: '1.3.0',
    backupId: 12,
    backupName: 'backup_pre-upgrade_v1.2.0_2025-10-31_02-00-10.tar.gz',
    backupCreatedAt: '2025-10-31T02:00:10Z',
    backupFallback: false,
    images: [{ service: 'web', image: 'shop:1.2.0', imageId: 'sha256:' + 'a'.repeat(64), repoDigest: '' }],
    steps: ['stop the containers of shop', 'restore backup #12 in full'],
    ...over,
  }
}

export function makeHealth(over: Partial<HealthReport> = {}): HealthReport {
  return {
    id: 'c1',
    name: 'shop_web_1',
    service: 'web',
    state: 'running',
    health: 'unhealthy',
    restartCount: 3,
    exitCode: 0,
    ready: false,
    reason: 'restarting (restarted 3 times)',
    ...over,
  }
}

export function makeOperation(over: Partial<Operation> = {}): Operation {
  return {
    id: 1,
    kind: 'backup',
    state: 'succeeded',
    step: 'B9',
    facts: { backupId: 3, final: '/backups/shop/backup_manual_v1.2.0_2025-10-30_02-00-00.tar.gz' },
    startedAt: '2025-10-30T02:00:00Z',
    updatedAt: '2025-10-30T02:00:05Z',
    finishedAt: '2025-10-30T02:00:05Z',
    error: '',
    pid: 100,
    ...over,
  }
}

export function makeSettings(over: Partial<Settings> = {}): Settings {
  return {
    dataPaths: ['data'],
    excludes: [],
    versionKey: 'APP_VERSION',
    storageDir: '/backups/shop',
    retention: { keepLast: 5, keepDays: 0 },
    ...over,
  }
}

/** deferred gives a promise plus the functions that settle it, for loading states. */
export function deferred<T>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}
