// The fake SystemService and TestService.
import type { Services, TestHooks } from '../bound';
import { FAKE_ABOUT, FAKE_REASON_TEXTS } from './data';

export function fakeSystemService(): Services['SystemService'] {
  return {
    async OpenURL() {},
    async Diagnostics() {
      return 'Brook diagnostics\nBrook: fake\n';
    },
    async About() {
      return structuredClone(FAKE_ABOUT);
    },
    async UIReady() {},
    async ReasonTexts() {
      return structuredClone(FAKE_REASON_TEXTS);
    },
    async Quit() {},
  };
}

/** A normal start: no scenario to run. */
export function fakeTestService(): TestHooks {
  return {
    async Scenario() {
      return '';
    },
    async Report() {},
    async Mark() {},
  };
}
