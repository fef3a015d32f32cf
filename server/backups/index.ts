export { backupShop, backupAllShops, pruneBackups, failureStreak, shopsFailingBackups, type BackupDeps, type ShopBackupResult } from "./shop-backup.ts";
export { backupsToKeep, DEFAULT_RETENTION, type RetentionPolicy } from "./retention.ts";
export { readArchive, ArchiveError, type ShopArchive } from "./archive.ts";
export { restoreShop, rollbackRestore, RestoreError, type RestoreResult } from "./restore.ts";
export { runRestoreDrill, type DrillResult } from "./pitr-drill.ts";
export { pgBinDir, pgTool, takeBaseBackup, archiveSettings } from "./pg-tools.ts";
export { registerBackupMetrics } from "./metrics.ts";
