export namespace archive {
	
	export interface Entry {
	    path: string;
	    type: string;
	    size: number;
	    mode: number;
	    mtime: string;
	    uid: number;
	    gid: number;
	    link?: string;
	    sha256?: string;
	}
	export interface SparseFile {
	    path: string;
	    holes: number;
	}
	export interface ServiceImage {
	    service: string;
	    image: string;
	    imageId: string;
	    repoDigest?: string;
	}
	export interface Totals {
	    entries: number;
	    files: number;
	    bytes: number;
	}
	export interface Manifest {
	    formatVersion: number;
	    deployment: string;
	    project: string;
	    type: string;
	    version: string;
	    createdAt: string;
	    description?: string;
	    paths: string[];
	    excludes: string[];
	    dataPaths: string[];
	    compression: string;
	    totals: Totals;
	    services: ServiceImage[];
	    sparse?: SparseFile[];
	}
	
	

}

export namespace backup {
	
	export interface CreateRequest {
	    type: string;
	    version: string;
	    description: string;
	    stopServices: boolean;
	    compression: string;
	}
	export interface Record {
	    id: number;
	    name: string;
	    type: string;
	    status: string;
	    version: string;
	    path: string;
	    size: number;
	    fileCount: number;
	    sha256: string;
	    compression: string;
	    createdAt: string;
	    fileExists: boolean;
	    verifiedAt?: string | null;
	    description: string;
	    error: string;
	    warnings: string[];
	}
	export interface DeleteResult {
	    record: Record;
	    warnings: string[];
	}
	export interface Details {
	    backup: Record;
	    manifest: archive.Manifest;
	    breakdown: store.DirSize[];
	    entries: archive.Entry[];
	    entriesTotal: number;
	}
	export interface Policy {
	    keepLast: number;
	    keepDays: number;
	}
	export interface PruneResult {
	    dryRun: boolean;
	    removed: Record[];
	    kept: Record[];
	    bytes: number;
	}
	
	export interface Source {
	    Root: string;
	    Paths: string[];
	}

}

export namespace deployment {
	
	export interface Deployment {
	    id: number;
	    name: string;
	    path: string;
	    dataPaths: string[];
	    excludes: string[];
	    versionKey: string;
	    storageDir: string;
	    composeProject: string;
	    createdAt: string;
	    lastUsedAt: string;
	}

}

export namespace docker {
	
	export interface RestartPolicy {
	    name: string;
	    maximumRetryCount: number;
	}
	export interface Container {
	    id: string;
	    name: string;
	    service: string;
	    image: string;
	    imageId: string;
	    state: string;
	    running: boolean;
	    restarting: boolean;
	    health: string;
	    exitCode: number;
	    restartPolicy: RestartPolicy;
	    oneOff: boolean;
	    startedAt: string;
	    restartCount: number;
	    autoRemove: boolean;
	}

}

export namespace main {
	
	export interface UpgradeRequest {
	    to: string;
	    noRollback: boolean;
	    healthWindowSeconds: number;
	}

}

export namespace restore {
	
	export interface Counts {
	    files: number;
	    bytes: number;
	}
	export interface HardLink {
	    path: string;
	    link: string;
	}
	export interface Plan {
	    backupId: number;
	    backupName: string;
	    mode: string;
	    version: string;
	    targets: string[];
	    replaced: Counts;
	    added: Counts;
	    removed: Counts;
	    lost: Counts;
	    containers: string[];
	    dockerError: string;
	    discardsData: boolean;
	    deploymentName: string;
	    needBytes: number;
	    kept: string[];
	    separated: HardLink[];
	    mounts: string[];
	}

}

export namespace service {
	
	export interface BackupSummary {
	    total: number;
	    restorable: number;
	    missing: number;
	    failed: number;
	    bytes: number;
	    last: string;
	    elsewhere: Record<string, number>;
	}
	export interface DockerStatus {
	    reachable: boolean;
	    error: string;
	}
	export interface Settings {
	    dataPaths: string[];
	    excludes: string[];
	    versionKey: string;
	    storageDir: string;
	    retention: backup.Policy;
	}
	export interface Status {
	    deployment?: deployment.Deployment;
	    version: string;
	    docker: DockerStatus;
	    services: docker.Container[];
	    backups: BackupSummary;
	    recovery: string[];
	    lastUpgrade?: store.Upgrade;
	}

}

export namespace store {
	
	export interface DirSize {
	    path: string;
	    bytes: number;
	    files: number;
	}
	export interface Operation {
	    id: number;
	    deploymentId: number;
	    kind: string;
	    state: string;
	    step: string;
	    facts: any;
	    startedAt: string;
	    updatedAt: string;
	    finishedAt?: string;
	    error?: string;
	    pid: number;
	}
	export interface Upgrade {
	    id: number;
	    deploymentId: number;
	    fromVersion: string;
	    toVersion: string;
	    status: string;
	    startedAt: string;
	    finishedAt?: string;
	    durationMs: number;
	    backupId: number;
	    error?: string;
	    rollbackReason?: string;
	    imagesBefore: archive.ServiceImage[];
	    imagesAfter: archive.ServiceImage[];
	    rollbackHealthy?: boolean;
	}

}

export namespace upgrade {
	
	export interface ImageCheck {
	    service: string;
	    image: string;
	    imageId: string;
	    present: boolean;
	    pulled: boolean;
	    error?: string;
	}
	export interface Preflight {
	    from: string;
	    to: string;
	    compose: string;
	    images: ImageCheck[];
	    rawBytes: number;
	    backupBytes: number;
	    freeBytes: number;
	    problems: string[];
	    warnings: string[];
	}
	export interface RollbackPlan {
	    upgradeId: number;
	    status: string;
	    fromVersion: string;
	    toVersion: string;
	    currentVersion: string;
	    backupId: number;
	    backupName: string;
	    backupCreatedAt: string;
	    backupFallback: boolean;
	    images: archive.ServiceImage[];
	    steps: string[];
	}

}

export namespace view {
	
	export interface Error {
	    code: string;
	    message: string;
	    detail: string;
	}
	export interface Job {
	    id: string;
	    kind: string;
	    title: string;
	    state: string;
	    phase: string;
	    bytesDone: number;
	    bytesTotal: number;
	    filesDone: number;
	    filesTotal: number;
	    rate: number;
	    etaSeconds: number;
	    seq: number;
	    startedAt: string;
	    finishedAt?: string | null;
	    cancellable: boolean;
	    committed: boolean;
	    message: string;
	    error?: Error;
	    result: any;
	    log: string[];
	}

}

