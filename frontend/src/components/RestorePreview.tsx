import type { Amount, RestoreMode, RestorePlan } from '../api'
import { formatCount, formatSize } from '../format'
import type { Load } from '../hooks/useLoad'
import { useI18n, type MessageKey } from '../i18n'
import { ErrorBox } from './ErrorBox'
import { modeHint, modeLabel, restoreModes } from './labels'

export function ModeChoice({ mode, onChange }: { mode: RestoreMode; onChange: (m: RestoreMode) => void }) {
  const { t } = useI18n()
  return (
    <fieldset className="modes" role="radiogroup">
      <legend>{t('restore.mode')}</legend>
      {restoreModes.map((m) => (
        <label key={m} className={`mode${mode === m ? ' mode-selected' : ''}`}>
          <input
            type="radio"
            name="restore-mode"
            value={m}
            checked={mode === m}
            aria-labelledby={`mode-label-${m}`}
            aria-describedby={`mode-hint-${m}`}
            onChange={() => onChange(m)}
          />
          <span className="mode-text">
            <span id={`mode-label-${m}`} className="mode-label">
              {modeLabel(t, m)}
            </span>
            <span id={`mode-hint-${m}`} className="mode-hint">
              {modeHint(t, m)}
            </span>
          </span>
        </label>
      ))}
    </fieldset>
  )
}

const rows: { key: keyof Pick<RestorePlan, 'replaced' | 'added' | 'removed' | 'lost'>; label: MessageKey }[] = [
  { key: 'replaced', label: 'preview.replaced' },
  { key: 'added', label: 'preview.added' },
  { key: 'removed', label: 'preview.removed' },
  { key: 'lost', label: 'preview.lost' },
]

export interface RestorePreviewProps {
  load: Load<RestorePlan>
  onRetry: () => void
  confirmation: string
  onConfirmationChange: (v: string) => void
}

/** RestorePreview shows what the restore changes and asks for the typed name when data is discarded. */
export function RestorePreview({ load, onRetry, confirmation, onConfirmationChange }: RestorePreviewProps) {
  const { t, locale } = useI18n()
  const unknown = t('common.unknown')
  const amount = (a: Amount | undefined) =>
    t('preview.amount', {
      files: formatCount(a?.files, locale, unknown),
      count: a?.files ?? 0,
      size: formatSize(a?.bytes, unknown),
    })

  if (load.state === 'idle') return null
  if (load.state === 'loading') {
    return (
      <p role="status" className="muted preview-box">
        {t('preview.loading')}
      </p>
    )
  }
  if (load.state === 'error') return <ErrorBox title={t('preview.failed')} error={load.error} onRetry={onRetry} />

  const plan = load.data
  const containers = plan.containers ?? []
  return (
    <section className="preview-box" aria-labelledby="preview-heading">
      <h3 id="preview-heading">{t('preview.title')}</h3>
      {/* First, so that the name to type is in view without scrolling. */}
      {plan.discardsData && (
        <div className="danger-box">
          <p id="confirm-warning">{t('preview.discardsData')}</p>
          <label className="field">
            <span>{t('preview.typeName', { name: plan.deploymentName })}</span>
            <input
              type="text"
              value={confirmation}
              autoComplete="off"
              spellCheck={false}
              aria-describedby="confirm-warning"
              onChange={(e) => onConfirmationChange(e.target.value)}
            />
          </label>
        </div>
      )}
      <dl className="preview">
        {rows.map((r) => (
          <div key={r.key} className={r.key === 'lost' && plan.lost.files > 0 ? 'preview-row warn' : 'preview-row'}>
            <dt>{t(r.label)}</dt>
            <dd>{amount(plan[r.key])}</dd>
          </div>
        ))}
        <div className="preview-row">
          <dt>{t('preview.containers')}</dt>
          <dd>{containers.length > 0 ? containers.join(', ') : t('common.none')}</dd>
        </div>
        {plan.targets.length > 0 && (
          <div className="preview-row">
            <dt>{t('preview.targets')}</dt>
            <dd>{plan.targets.join(', ')}</dd>
          </div>
        )}
        {typeof plan.needBytes === 'number' && plan.needBytes > 0 && (
          <div className="preview-row">
            <dt>{t('preview.needBytes')}</dt>
            <dd>{formatSize(plan.needBytes, unknown)}</dd>
          </div>
        )}
        {(plan.kept ?? []).length > 0 && (
          <div className="preview-row">
            <dt>{t('preview.kept')}</dt>
            <dd>{(plan.kept ?? []).join(', ')}</dd>
          </div>
        )}
        {(plan.separated ?? []).length > 0 && (
          <div className="preview-row">
            <dt>{t('preview.separated')}</dt>
            <dd>{(plan.separated ?? []).map((l) => t('preview.separatedItem', { path: l.path, link: l.link })).join('; ')}</dd>
          </div>
        )}
      </dl>
      {plan.dockerError && <p className="warn-text">{t('preview.dockerError', { error: plan.dockerError })}</p>}
      <p className="muted">{t('preview.safetyCopy')}</p>
    </section>
  )
}
