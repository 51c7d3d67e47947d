import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// The Maven build passes --outDir into the jar's static/ folder; `npm run build` alone writes there too.
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'target/classes/static',
    emptyOutDir: true,
    sourcemap: false,
    // ELK's layout engine is one 1.4 MB file, loaded by the studio route only (the budget script checks the initial load)
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // `npm run dev` against a server started with ./mvnw … on :8080
    proxy: { '/api': 'http://127.0.0.1:8080', '/actuator': 'http://127.0.0.1:8080' },
  },
  test: {
    include: ['src/test/ts/**/*.test.ts'],
    environment: 'node',
  },
});
