// The fake SystemService, TransferService and TestService.
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

export function fakeTransferService(): Services['TransferService'] {
  return {
    async Export(_ids, format) {
      return '/tmp/brook-export.' + (format === 'markdown' ? 'md' : format);
    },
    async Import() {
      return null;
    },
  };
}

/** A normal start: no scenario to run. */
export function fakeTestService(): TestHooks {
  return {
    async Scenario() {
      return '';
    },
    async Report() {},
  };
}
