import type { Backup } from '../api'
import { useI18n } from '../i18n'
import { statusLabel } from './labels'

/**
 * WarningsBadge: an amber badge with the number of warnings the backup
 * completed with (a file changed while it was read...), their texts on hover.
 * Nothing for a clean backup.
 */
export function WarningsBadge({ backup }: { backup: Backup }) {
  const { t } = useI18n()
  const n = backup.warnings?.length ?? 0
  if (n === 0) return null
  return (
    <span className="badge badge-warn" title={backup.warnings.join('\n')}>
      {t('badge.warnings', { count: n })}
    </span>
  )
}

/** StatusBadges: verified, file missing, failed, corrupt, in progress (or plain completed), and warnings. */
export function StatusBadges({ backup }: { backup: Backup }) {
  const { t } = useI18n()
  const badges: { tone: string; text: string; title?: string }[] = []
  if (backup.status === 'completed') {
    badges.push(
      backup.verifiedAt
        ? { tone: 'ok', text: t('badge.verified') }
        : { tone: 'neutral', text: statusLabel(t, 'completed') },
    )
  } else {
    const tone = backup.status === 'in_progress' ? 'info' : 'bad'
    badges.push({ tone, text: statusLabel(t, backup.status), title: backup.error || undefined })
  }
  if (!backup.fileExists && backup.status !== 'failed') {
    badges.push({ tone: 'bad', text: t('badge.fileMissing') })
  }
  return (
    <span className="badges">
      {badges.map((b) => (
        <span key={b.text} className={`badge badge-${b.tone}`} title={b.title}>
          {b.text}
        </span>
      ))}
      <WarningsBadge backup={backup} />
    </span>
  )
}
