export namespace view {
	
	export interface AppError {
	    code: string;
	    message: string;
	    detail: string;
	}
	export interface Backup {
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
	    verifiedAt?: string;
	    description: string;
	    error: string;
	}
	export interface BreakdownRow {
	    path: string;
	    bytes: number;
	    files: number;
	}
	export interface ManifestService {
	    service: string;
	    image: string;
	    imageId: string;
	    repoDigest: string;
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
	    description: string;
	    paths: string[];
	    excludes: string[];
	    dataPaths: string[];
	    compression: string;
	    totals: Totals;
	    services: ManifestService[];
	}
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
	export interface BackupDetails {
	    backup: Backup;
	    manifest: Manifest;
	    breakdown: BreakdownRow[];
	    entries: Entry[];
	    entriesTotal: number;
	}
	export interface BackupRequest {
	    type: string;
	    description: string;
	    stopServices: boolean;
	    compression: string;
	}
	export interface Deployment {
	    id: number;
	    name: string;
	    path: string;
	    dataPaths: string[];
	    excludes: string[];
	    versionKey: string;
	    storageDir: string;
	    composeProject: string;
	}
	export interface DockerStatus {
	    reachable: boolean;
	    error: string;
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
	    finishedAt?: string;
	    cancellable: boolean;
	    message: string;
	    error?: AppError;
	    result: any;
	}
	export interface Amount {
	    files: number;
	    bytes: number;
	}
	export interface RestorePlan {
	    backupId: number;
	    mode: string;
	    replaced: Amount;
	    added: Amount;
	    removed: Amount;
	    lost: Amount;
	    containers: string[];
	    discardsData: boolean;
	    deploymentName: string;
	}
	export interface Service {
	    service: string;
	    name: string;
	    state: string;
	    health: string;
	    running: boolean;
	}
	export interface Upgrade {
	    id: number;
	    fromVersion: string;
	    toVersion: string;
	    status: string;
	    startedAt: string;
	    finishedAt?: string;
	    error: string;
	}
	export interface Status {
	    deployment?: Deployment;
	    version: string;
	    docker: DockerStatus;
	    services: Service[];
	    lastUpgrade?: Upgrade;
	}

}

