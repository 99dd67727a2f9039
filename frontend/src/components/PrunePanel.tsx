import { useRef, useState } from 'react'
import { pruneBackups, type AppError, type Backup, type PruneResult } from '../api'
import { formatSize } from '../format'
import { useLoad } from '../hooks/useLoad'
import { useI18n } from '../i18n'
import { DateText } from './DateText'
import { Dialog } from './Dialog'
import { ErrorBox } from './ErrorBox'
import { typeLabel } from './labels'

function PruneList({ backups }: { backups: readonly Backup[] }) {
  const { t } = useI18n()
  const unknown = t('common.unknown')
  return (
    <ul className="prune-list">
      {backups.map((b) => (
        <li key={b.id}>
          <span className={`pill pill-${b.type}`}>{typeLabel(t, b.type)}</span>
          <span>#{b.id}</span>
          <DateText value={b.createdAt} />
          <span>{b.version || unknown}</span>
          <span className="num">{formatSize(b.size, unknown)}</span>
        </li>
      ))}
    </ul>
  )
}

function PruneSummary({ result }: { result: PruneResult }) {
  const { t } = useI18n()
  const vars = { count: result.removed.length, size: formatSize(result.bytes, t('common.unknown')), kept: result.kept.length }
  if (result.removed.length === 0) return <p className="muted">{t('prune.nothing', vars)}</p>
  return (
    <>
      <p>{t(result.dryRun ? 'prune.wouldRemove' : 'prune.removed', vars)}</p>
      <PruneList backups={result.removed} />
    </>
  )
}

function PruneConfirm({ onCancel, onDone }: { onCancel: () => void; onDone: (r: PruneResult) => void }) {
  const { t } = useI18n()
  const cancelRef = useRef<HTMLButtonElement>(null)
  const preview = useLoad(() => pruneBackups(true), [])
  const [pruning, setPruning] = useState(false)
  const [error, setError] = useState<AppError | null>(null)
  const count = preview.state === 'ready' ? preview.data.removed.length : 0

  const confirm = async () => {
    setPruning(true)
    setError(null)
    try {
      onDone(await pruneBackups(false))
    } catch (e) {
      setError(e as AppError)
      setPruning(false)
    }
  }

  return (
    <Dialog
      role="alertdialog"
      title={t('prune.confirmTitle')}
      closeLabel={t('common.close')}
      onCancel={onCancel}
      initialFocus={cancelRef}
      describedBy="prune-description"
      footer={
        <>
          <button ref={cancelRef} type="button" className="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
          <button type="button" className="button danger" disabled={count === 0 || pruning} onClick={confirm}>
            {pruning ? t('prune.pruning') : t('prune.confirm', { count })}
          </button>
        </>
      }
    >
      <div id="prune-description">
        {preview.state === 'loading' && (
          <p role="status" className="muted">
            {t('prune.loading')}
          </p>
        )}
        {preview.state === 'error' && <ErrorBox title={t('prune.failed')} error={preview.error} onRetry={preview.reload} />}
        {preview.state === 'ready' && <PruneSummary result={preview.data} />}
        {count > 0 && <p className="danger-box">{t('prune.irreversible')}</p>}
      </div>
      {error && <ErrorBox title={t('prune.failed')} error={error} />}
    </Dialog>
  )
}

/**
 * PrunePanel previews (dry run) and applies the saved retention policy. disabledReason
 * says why neither may run now (unsaved changes, no policy, a job running).
 */
export function PrunePanel({ disabledReason, onPruned }: { disabledReason: string; onPruned: () => void }) {
  const { t } = useI18n()
  // Nothing is shown until the admin asks for a preview (or prunes).
  const [asked, setAsked] = useState(false)
  const load = useLoad(asked ? () => pruneBackups(true) : null, [asked])
  const [confirming, setConfirming] = useState(false)
  const preview = () => (asked ? load.reload() : setAsked(true))
  return (
    <div className="prune">
      <div className="form-actions">
        <button type="button" className="button" disabled={!!disabledReason || load.state === 'loading'} onClick={preview}>
          {t('prune.preview')}
        </button>
        <button type="button" className="button danger" disabled={!!disabledReason} onClick={() => setConfirming(true)}>
          {t('prune.now')}
        </button>
        {disabledReason && <span className="footer-hint">{disabledReason}</span>}
      </div>
      <div aria-live="polite">
        {load.state === 'loading' && <p className="muted">{t('prune.loading')}</p>}
        {load.state === 'ready' && <PruneSummary result={load.data} />}
      </div>
      {load.state === 'error' && <ErrorBox title={t('prune.failed')} error={load.error} onRetry={preview} />}
      {confirming && (
        <PruneConfirm
          onCancel={() => setConfirming(false)}
          onDone={(result) => {
            setConfirming(false)
            load.set(result)
            onPruned()
          }}
        />
      )}
    </div>
  )
}
