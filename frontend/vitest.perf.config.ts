import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vite.config';

// Benchmarks (src/**/*.perf.ts) only; `npx vitest run` never picks them up.
const config = mergeConfig(base, defineConfig({ test: { testTimeout: 600000 } }));
config.test!.include = ['src/**/*.perf.ts'];
export default config;
