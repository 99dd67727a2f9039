import type { ReactNode } from 'react'
import type { AppError, Service, Status, Upgrade } from '../api'
import { formatDate } from '../format'
import { languageNames, useI18n, type Lang } from '../i18n'
import { ErrorBox } from './ErrorBox'
import { dockerHealthLabel, dockerStateLabel, upgradeStatusLabel, upgradeStatusTone } from './labels'

export interface HeaderProps {
  status: Status | null
  error: AppError | null
  onRetry: () => void
  /** Rendered at the bottom of the header: the view tabs. */
  children?: ReactNode
}

function serviceTone(s: Service): 'ok' | 'warn' | 'bad' {
  if (!s.running) return 'bad'
  if (s.health === 'unhealthy') return 'bad'
  if (s.health === 'starting') return 'warn'
  return 'ok'
}

function ServiceChip({ service }: { service: Service }) {
  const { t } = useI18n()
  const state = service.state ? dockerStateLabel(t, service.state) : t('common.unknown')
  const text = service.health
    ? t('header.serviceStateHealth', { state, health: dockerHealthLabel(t, service.health) })
    : state
  return (
    <li className={`chip chip-${serviceTone(service)}`} title={service.name}>
      <span className="chip-name">{service.service}</span>
      <span className="chip-state">{text}</span>
    </li>
  )
}

function LanguageSwitch() {
  const { t, lang, setLang } = useI18n()
  return (
    <label className="lang-switch">
      <span>{t('header.language')}</span>
      <select value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
        {(Object.keys(languageNames) as Lang[]).map((l) => (
          <option key={l} value={l}>
            {languageNames[l]}
          </option>
        ))}
      </select>
    </label>
  )
}

function LastUpgrade({ upgrade }: { upgrade: Upgrade }) {
  const { t, locale } = useI18n()
  const unknown = t('common.unknown')
  const when = formatDate(upgrade.finishedAt ?? upgrade.startedAt, locale, unknown)
  return (
    <span className="last-upgrade" title={when.title}>
      <span>{t('header.upgradeVersions', { from: upgrade.fromVersion || unknown, to: upgrade.toVersion, id: upgrade.id })}</span>
      <span className={`badge badge-${upgradeStatusTone(upgrade.status)}`}>{upgradeStatusLabel(t, upgrade.status)}</span>
    </span>
  )
}

/** Header shows the deployment, its running version, Docker and every service's state. */
export function Header({ status, error, onRetry, children }: HeaderProps) {
  const { t } = useI18n()
  const d = status?.deployment ?? null
  return (
    <header className="app-header">
      <div className="header-top">
        <div className="brand">
          <h1>{t('app.title')}</h1>
          {d ? (
            <div className="deployment">
              <span className="deployment-name">{d.name}</span>
              <span className="deployment-path" title={d.path}>
                {d.path}
              </span>
            </div>
          ) : (
            status && <span className="muted">{t('header.noDeployment')}</span>
          )}
        </div>
        <LanguageSwitch />
      </div>
      {error && <ErrorBox title={t('header.statusFailed')} error={error} onRetry={onRetry} />}
      {status && status.recovery.length > 0 && (
        <div className="notice" role="status">
          <p className="notice-title">{t('header.recovery')}</p>
          <ul>
            {status.recovery.map((line, i) => (
              <li key={i}>{line}</li>
            ))}
          </ul>
        </div>
      )}
      {status && (
        <dl className="header-facts">
          <div>
            <dt>{t('header.version')}</dt>
            <dd>{status.version || t('common.unknown')}</dd>
          </div>
          <div>
            <dt>{t('header.docker')}</dt>
            <dd>
              {status.docker.reachable ? (
                <span className="badge badge-ok">{t('header.dockerReachable')}</span>
              ) : (
                <span className="badge badge-bad" title={status.docker.error}>
                  {t('header.dockerUnreachable')}
                </span>
              )}
            </dd>
          </div>
          <div>
            <dt>{t('header.lastUpgrade')}</dt>
            <dd>{status.lastUpgrade ? <LastUpgrade upgrade={status.lastUpgrade} /> : <span className="muted">{t('header.noUpgrade')}</span>}</dd>
          </div>
          <div className="services">
            <dt>{t('header.services')}</dt>
            <dd>
              {status.services.length === 0 ? (
                <span className="muted">{t('header.noServices')}</span>
              ) : (
                <ul className="chips" aria-label={t('header.services')}>
                  {status.services.map((s) => (
                    <ServiceChip key={s.service} service={s} />
                  ))}
                </ul>
              )}
            </dd>
          </div>
        </dl>
      )}
      {children}
    </header>
  )
}
