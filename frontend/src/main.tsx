import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import './styles/base.css'
import './styles/layout.css'
import './styles/progress.css'
import './styles/dialog.css'
import './styles/views.css'
import './styles/upgrade.css'
import './styles/activity-settings.css'
import App from './App'

const container = document.getElementById('root')
if (!container) throw new Error('missing #root')

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
