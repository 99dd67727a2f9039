import { useId, useState, type FormEvent, type ReactNode } from 'react'
import { getSettings, saveSettings, type AppError } from '../api'
import { EditableList } from '../components/EditableList'
import { ErrorBox } from '../components/ErrorBox'
import { MoveStorageDialog } from '../components/MoveStorageDialog'
import { ProgressPanel } from '../components/ProgressPanel'
import { PrunePanel } from '../components/PrunePanel'
import { fromDraft, sameSettings, toDraft, validateDraft, type FieldError, type SettingsDraft } from '../components/settingsForm'
import { useLoad } from '../hooks/useLoad'
import { useI18n } from '../i18n'
import { changedBy, useJobsContext, useRefreshOnJobs } from '../stores/JobsProvider'

export interface SettingsViewProps {
  /** Saved settings may change the header (the version key decides the version). */
  onSaved: () => void
}

/** SettingsView edits storage, data paths, excludes, version key and retention. */
export function SettingsView({ onSaved }: SettingsViewProps) {
  const { t } = useI18n()
  const { jobs, busy, cancel, canceling, dismiss } = useJobsContext()
  const load = useLoad(getSettings, [])
  // A storage move changes the storage directory; unsaved edits (the draft) survive.
  useRefreshOnJobs(changedBy.settings, load.refresh)
  const [edited, setEdited] = useState<SettingsDraft | null>(null)
  const [saving, setSaving] = useState(false)
  const [saveError, setSaveError] = useState<AppError | null>(null)
  const [savedNote, setSavedNote] = useState('')
  const [moving, setMoving] = useState(false)

  // What was shown stays when a quiet refresh fails.
  const saved = load.data
  if (!saved) {
    return load.state === 'error' ? (
      <ErrorBox title={t('settings.loadFailed')} error={load.error} onRetry={load.reload} />
    ) : (
      <p role="status" className="muted">
        {t('settings.loading')}
      </p>
    )
  }

  const draft = edited ?? toDraft(saved)
  const errors = validateDraft(draft)
  const valid = Object.keys(errors).length === 0
  const next = valid ? fromDraft(draft, saved.storageDir) : null
  const dirty = next ? !sameSettings(next, saved) : true
  const msg = (e?: FieldError) => (e ? t(e.key, e.vars) : undefined)
  const edit = (patch: Partial<SettingsDraft>) => {
    setEdited({ ...draft, ...patch })
    setSavedNote('')
  }

  const save = async (e: FormEvent) => {
    e.preventDefault()
    if (!next || !dirty) return
    setSaving(true)
    setSaveError(null)
    try {
      const stored = await saveSettings(next)
      load.set(stored)
      setEdited(null)
      setSavedNote(t('settings.saved'))
      onSaved()
    } catch (err) {
      setSaveError(err as AppError)
    } finally {
      setSaving(false)
    }
  }

  const moveJobs = jobs.filter((j) => j.kind === 'move')
  const noPolicy = saved.retention.keepLast <= 0 && saved.retention.keepDays <= 0
  const pruneBlocked = dirty ? t('prune.saveFirst') : noPolicy ? t('prune.noPolicy') : busy ? t('upgrade.hintBusy') : ''

  return (
    <div className="view settings-view">
      <section className="panel" aria-labelledby="storage-heading">
        <h2 id="storage-heading" className="panel-title">
          {t('settings.storage')}
        </h2>
        <div className="storage-row">
          <code className="storage-dir" title={saved.storageDir}>
            {saved.storageDir}
          </code>
          <button type="button" className="button" disabled={busy} onClick={() => setMoving(true)}>
            {t('settings.move')}
          </button>
        </div>
        <p className="muted">{t('settings.storageHint')}</p>
        <ProgressPanel jobs={moveJobs} title={t('settings.moveProgress')} onCancel={cancel} onDismiss={dismiss} canceling={canceling} />
      </section>

      <form className="panel settings-form" aria-labelledby="deployment-settings-heading" onSubmit={save} noValidate>
        <h2 id="deployment-settings-heading" className="panel-title">
          {t('settings.deployment')}
        </h2>
        <div className="settings-grid">
          <EditableList
            legend={t('settings.dataPaths')}
            hint={t('settings.dataPathsHint')}
            items={draft.dataPaths}
            onChange={(dataPaths) => edit({ dataPaths })}
            itemLabel={(n) => t('settings.dataPathN', { n })}
            addLabel={t('settings.addDataPath')}
            placeholder="data"
            error={msg(errors.dataPaths)}
          />
          <EditableList
            legend={t('settings.excludes')}
            hint={t('settings.excludesHint')}
            items={draft.excludes}
            onChange={(excludes) => edit({ excludes })}
            itemLabel={(n) => t('settings.excludeN', { n })}
            addLabel={t('settings.addExclude')}
            placeholder="cache"
            error={msg(errors.excludes)}
          />
        </div>
        <div className="settings-fields">
          <Field label={t('settings.versionKey')} hint={t('settings.versionKeyHint')} error={msg(errors.versionKey)}>
            {(props) => <input {...props} value={draft.versionKey} spellCheck={false} onChange={(e) => edit({ versionKey: e.target.value })} />}
          </Field>
          <Field label={t('settings.keepLast')} hint={t('settings.keepLastHint')} error={msg(errors.keepLast)}>
            {(props) => (
              <input {...props} className="narrow" inputMode="numeric" value={draft.keepLast} onChange={(e) => edit({ keepLast: e.target.value })} />
            )}
          </Field>
          <Field label={t('settings.keepDays')} hint={t('settings.keepDaysHint')} error={msg(errors.keepDays)}>
            {(props) => (
              <input {...props} className="narrow" inputMode="numeric" value={draft.keepDays} onChange={(e) => edit({ keepDays: e.target.value })} />
            )}
          </Field>
        </div>
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={!valid || !dirty || saving}>
            {saving ? t('settings.saving') : t('settings.save')}
          </button>
          <button type="button" className="button" disabled={!dirty || saving} onClick={() => edit(toDraft(saved))}>
            {t('settings.revert')}
          </button>
          <span className="footer-hint" role="status">
            {savedNote || (!valid ? t('settings.fixErrors') : dirty ? t('settings.unsaved') : '')}
          </span>
        </div>
        {saveError && <ErrorBox title={t('settings.saveFailed')} error={saveError} />}
      </form>

      <section className="panel" aria-labelledby="prune-heading">
        <h2 id="prune-heading" className="panel-title">
          {t('prune.title')}
        </h2>
        <p className="muted">{t('prune.hint', { last: saved.retention.keepLast, days: saved.retention.keepDays })}</p>
        <PrunePanel disabledReason={pruneBlocked} onPruned={() => {}} />
      </section>

      {moving && (
        <MoveStorageDialog current={saved.storageDir} onCancel={() => setMoving(false)} onStarted={() => setMoving(false)} />
      )}
    </div>
  )
}

interface FieldProps {
  label: string
  hint: string
  error?: string
  children: (props: { id: string; 'aria-invalid'?: boolean; 'aria-describedby': string }) => ReactNode
}

/** Field is a labelled input with a hint and, when invalid, an error tied to it. */
function Field({ label, hint, error, children }: FieldProps) {
  const id = useId()
  return (
    <div className="field-block">
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': `${id}-note` })}
      <p id={`${id}-note`} className={error ? 'field-error' : 'muted field-hint'}>
        {error ?? hint}
      </p>
    </div>
  )
}
