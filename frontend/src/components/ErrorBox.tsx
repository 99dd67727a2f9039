import { useState } from 'react'
import type { AppError } from '../api'
import { useI18n } from '../i18n'
import { errorHint, errorText } from './labels'

export interface ErrorBoxProps {
  title: string
  error: AppError
  onRetry?: () => void
}

/** ErrorBox shows a failure: a title, the message, details behind a disclosure, Retry. */
export function ErrorBox({ title, error, onRetry }: ErrorBoxProps) {
  const { t, lang } = useI18n()
  const { text, translated } = errorText(t, lang, error)
  const hint = errorHint(t, error)
  const detail = [translated ? error.message : '', error.detail].filter(Boolean).join('\n')
  const [copied, setCopied] = useState(false)
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(`${error.code}: ${error.message}\n${error.detail}`)
      setCopied(true)
    } catch {
      setCopied(false)
    }
  }
  return (
    <div className="error-box" role="alert">
      <p className="error-title">{title}</p>
      <p className="error-message">{text}</p>
      {hint && <p className="error-hint">{hint}</p>}
      {detail && (
        <details className="error-detail">
          <summary>{t('error.showDetails')}</summary>
          <pre>{detail}</pre>
          <button type="button" className="link-button" onClick={copy}>
            {copied ? t('error.copied') : t('error.copyDetails')}
          </button>
        </details>
      )}
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  )
}
