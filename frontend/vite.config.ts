import { defineConfig } from 'vitest/config'
import react from '@vitejs/plugin-react'

// Vite serves and bundles the UI for Wails; Vitest reuses the same config.
export default defineConfig({
  plugins: [react()],
  test: {
    environment: 'happy-dom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    mockReset: true,
  },
})
