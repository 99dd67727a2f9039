import { useId, useRef, useState, type FormEvent } from 'react'
import { startMoveStorage, type AppError } from '../api'
import { useI18n } from '../i18n'
import { Dialog } from './Dialog'
import { ErrorBox } from './ErrorBox'
import { isAbsoluteDir } from './settingsForm'

export interface MoveStorageDialogProps {
  current: string
  onCancel: () => void
  onStarted: (jobId: string) => void
}

/** MoveStorageDialog asks for the new storage directory and starts the move job. */
export function MoveStorageDialog({ current, onCancel, onStarted }: MoveStorageDialogProps) {
  const { t } = useI18n()
  const inputRef = useRef<HTMLInputElement>(null)
  const id = useId()
  const [dir, setDir] = useState('')
  const [touched, setTouched] = useState(false)
  const [starting, setStarting] = useState(false)
  const [error, setError] = useState<AppError | null>(null)

  const wanted = dir.trim().replace(/(.)[\\/]+$/, '$1')
  let problem = ''
  if (!wanted) problem = t('move.errEmpty')
  else if (!isAbsoluteDir(wanted)) problem = t('move.errRelative')
  else if (wanted === current.replace(/(.)[\\/]+$/, '$1')) problem = t('move.errSame')

  const submit = async (e?: FormEvent) => {
    e?.preventDefault()
    setTouched(true)
    if (problem) return
    setStarting(true)
    setError(null)
    try {
      onStarted(await startMoveStorage(wanted))
    } catch (err) {
      setError(err as AppError)
      setStarting(false)
    }
  }

  return (
    <Dialog
      title={t('move.title')}
      closeLabel={t('common.close')}
      onCancel={onCancel}
      initialFocus={inputRef}
      describedBy={`${id}-body`}
      footer={
        <>
          <button type="button" className="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
          <button type="button" className="button primary" disabled={starting || (touched && !!problem)} onClick={() => submit()}>
            {starting ? t('move.starting') : t('move.confirm')}
          </button>
        </>
      }
    >
      <form onSubmit={submit}>
        <p id={`${id}-body`}>{t('move.body')}</p>
        <p className="muted">
          {t('move.current')} <code>{current}</code>
        </p>
        <label className="field field-wide">
          <span className="field-label">{t('move.newDir')}</span>
          <input
            ref={inputRef}
            value={dir}
            onChange={(e) => setDir(e.target.value)}
            onBlur={() => setTouched(true)}
            placeholder="/mnt/backups/shop"
            spellCheck={false}
            aria-invalid={touched && !!problem}
            aria-describedby={`${id}-problem`}
          />
        </label>
        <p id={`${id}-problem`} className={touched && problem ? 'field-error' : 'muted'}>
          {touched && problem ? problem : t('move.hint')}
        </p>
      </form>
      {error && <ErrorBox title={t('move.failed')} error={error} />}
    </Dialog>
  )
}
