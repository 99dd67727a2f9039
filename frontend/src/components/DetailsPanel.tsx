import { useEffect, useRef, type ReactNode } from 'react'
import { getBackup, type BackupDetails } from '../api'
import { formatCount, formatSize, shortHash } from '../format'
import { useLoad } from '../hooks/useLoad'
import { useI18n } from '../i18n'
import { DateText } from './DateText'
import { EntryTree } from './EntryTree'
import { ErrorBox } from './ErrorBox'
import { typeLabel } from './labels'
import { SizeBreakdown } from './SizeBreakdown'
import { StatusBadges } from './StatusBadges'

function Fact({ label, wide, children }: { label: string; wide?: boolean; children: ReactNode }) {
  return (
    <div className={wide ? 'fact fact-wide' : 'fact'}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  )
}

/** DetailsPanel shows one backup: manifest facts, images, size breakdown, archived tree. */
export function DetailsPanel({ backupId, onClose }: { backupId: number; onClose: () => void }) {
  const { t, locale } = useI18n()
  const load = useLoad(() => getBackup(backupId), [backupId])
  const unknown = t('common.unknown')

  // Bring the panel into view and move focus to it, so keyboard users land on it.
  const ref = useRef<HTMLElement>(null)
  useEffect(() => {
    ref.current?.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' })
    ref.current?.focus({ preventScroll: true })
  }, [backupId])

  const headingId = `details-${backupId}`
  return (
    <section ref={ref} tabIndex={-1} className="panel details-panel" aria-labelledby={headingId}>
      <div className="panel-header">
        <h2 id={headingId}>{t('details.title', { id: backupId })}</h2>
        <button type="button" className="icon-button" aria-label={t('details.close')} onClick={onClose}>
          <span aria-hidden="true">×</span>
        </button>
      </div>
      {load.state === 'loading' && (
        <p role="status" className="muted">
          {t('details.loading')}
        </p>
      )}
      {load.state === 'error' && <ErrorBox title={t('details.failed')} error={load.error} onRetry={load.reload} />}
      {load.state === 'ready' && <DetailsBody details={load.data} locale={locale} unknown={unknown} />}
    </section>
  )
}

function DetailsBody({ details, locale, unknown }: { details: BackupDetails; locale: string; unknown: string }) {
  const { t } = useI18n()
  const { backup: b, manifest: m } = details
  const list = (xs: readonly string[] | null | undefined) => (xs && xs.length > 0 ? xs.join(', ') : t('common.none'))
  return (
    <>
      <h3>{t('details.facts')}</h3>
      <dl className="facts">
        <Fact label={t('table.type')}>{typeLabel(t, b.type)}</Fact>
        <Fact label={t('table.status')}>
          <StatusBadges backup={b} />
        </Fact>
        <Fact label={t('table.created')}>
          <DateText value={b.createdAt} />
        </Fact>
        <Fact label={t('table.version')}>{b.version || unknown}</Fact>
        <Fact label={t('table.size')}>{formatSize(b.size, unknown)}</Fact>
        <Fact label={t('table.files')}>{formatCount(b.fileCount, locale, unknown)}</Fact>
        <Fact label={t('details.compression')}>{b.compression}</Fact>
        <Fact label={t('details.verifiedAt')}>
          {b.verifiedAt ? <DateText value={b.verifiedAt} /> : t('details.notVerified')}
        </Fact>
        <Fact label={t('details.sha256')}>
          <code title={b.sha256}>{shortHash(b.sha256) || unknown}</code>
        </Fact>
        <Fact label={t('details.file')} wide>
          <span className="path" title={b.path}>
            {b.path}
          </span>
        </Fact>
        <Fact label={t('details.project')}>{m.project || unknown}</Fact>
        <Fact label={t('details.paths')} wide>{list(m.paths)}</Fact>
        <Fact label={t('details.dataPaths')}>{list(m.dataPaths)}</Fact>
        <Fact label={t('details.excludes')}>{list(m.excludes)}</Fact>
        {b.description && <Fact label={t('details.description')}>{b.description}</Fact>}
        {b.error && <Fact label={t('details.error')}>{b.error}</Fact>}
        {b.warnings?.length > 0 && (
          <Fact label={t('details.warnings')} wide>
            <ul className="warnings-list">
              {b.warnings.map((w, i) => (
                <li key={i}>{w}</li>
              ))}
            </ul>
          </Fact>
        )}
      </dl>

      <h3>{t('details.images')}</h3>
      {m.services.length === 0 ? (
        <p className="muted">{t('details.noImages')}</p>
      ) : (
        <table className="images-table">
          <thead>
            <tr>
              <th scope="col">{t('details.service')}</th>
              <th scope="col">{t('details.image')}</th>
              <th scope="col">{t('details.digest')}</th>
            </tr>
          </thead>
          <tbody>
            {m.services.map((s) => (
              <tr key={s.service}>
                <td>{s.service}</td>
                <td className="path" title={s.imageId}>
                  {s.image}
                </td>
                <td>
                  <code title={s.repoDigest || s.imageId}>{shortHash(s.repoDigest || s.imageId) || unknown}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3>{t('details.breakdown')}</h3>
      <SizeBreakdown rows={details.breakdown} />

      <h3>{t('details.tree')}</h3>
      <EntryTree entries={details.entries} total={details.entriesTotal} />
    </>
  )
}
