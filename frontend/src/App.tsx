import { I18nProvider } from './i18n'
import { MainView } from './views/MainView'

export default function App() {
  return (
    <I18nProvider>
      <MainView />
    </I18nProvider>
  )
}
