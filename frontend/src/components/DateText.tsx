import { formatDate } from '../format'
import { useI18n } from '../i18n'

/** DateText renders an RFC 3339 instant in local time, with the zone in the tooltip. */
export function DateText({ value }: { value: string | null | undefined }) {
  const { t, locale } = useI18n()
  const d = formatDate(value, locale, t('common.unknown'))
  if (!d.iso) return <span>{d.text}</span>
  return (
    <time dateTime={d.iso} title={d.title}>
      {d.text}
    </time>
  )
}
