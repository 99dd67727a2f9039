import type { Backup } from '../api'
import { formatSize } from '../format'
import { useI18n } from '../i18n'
import { DateText } from './DateText'
import { isRestorable, statusLabel, typeLabel, whyNotRestorable } from './labels'
import { WarningsBadge } from './StatusBadges'

export interface BackupCardsProps {
  backups: readonly Backup[]
  selectedId: number | null
  onSelect: (id: number) => void
}

function Card({ backup: b, selected, onSelect }: { backup: Backup; selected: boolean; onSelect: (id: number) => void }) {
  const { t } = useI18n()
  const unknown = t('common.unknown')
  const restorable = isRestorable(b)
  const titleId = `restore-card-${b.id}`
  const metaId = `restore-card-meta-${b.id}`
  const reason = whyNotRestorable(t, b)
  return (
    <li>
      <label className={`card${selected ? ' card-selected' : ''}${restorable ? '' : ' card-disabled'}`}>
        <input
          type="radio"
          name="restore-backup"
          value={b.id}
          checked={selected}
          disabled={!restorable}
          aria-labelledby={titleId}
          aria-describedby={metaId}
          onChange={() => onSelect(b.id)}
        />
        <span className="card-body">
          <span className="card-head">
            <span className={`pill pill-${b.type}`}>{typeLabel(t, b.type)}</span>
            <span id={titleId} className="card-title">
              {t('restore.cardTitle', { id: b.id })}
            </span>
            {b.status === 'completed' && b.verifiedAt && <span className="badge badge-ok">{t('badge.verified')}</span>}
            {!b.fileExists && <span className="badge badge-bad">{t('badge.fileMissing')}</span>}
            {b.status !== 'completed' && (
              <span className="badge badge-bad" title={b.error || undefined}>
                {statusLabel(t, b.status)}
              </span>
            )}
            <WarningsBadge backup={b} />
          </span>
          <span id={metaId} className="card-meta">
            <span>
              <DateText value={b.createdAt} />
            </span>
            <span>{t('restore.cardVersion', { version: b.version || unknown })}</span>
            <span>{formatSize(b.status === 'completed' ? b.size : null, unknown)}</span>
            {reason && <span className="visually-hidden">{reason}</span>}
            {b.warnings?.length > 0 && <span className="visually-hidden">{b.warnings.join(' ')}</span>}
          </span>
          <span className="card-file" title={b.path}>
            {t('restore.cardFile', { file: b.name || b.path })}
          </span>
        </span>
      </label>
    </li>
  )
}

/** BackupCards is the radio group of backups; unrestorable ones are shown but disabled. */
export function BackupCards({ backups, selectedId, onSelect }: BackupCardsProps) {
  const { t } = useI18n()
  const usable = backups.filter(isRestorable).length
  const sorted = [...backups].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id - a.id)
  return (
    <fieldset className="cards-fieldset" role="radiogroup">
      <legend>{t('restore.found', { count: usable })}</legend>
      <ul className="cards">
        {sorted.map((b) => (
          <Card key={b.id} backup={b} selected={selectedId === b.id} onSelect={onSelect} />
        ))}
      </ul>
    </fieldset>
  )
}
