// The words Go gave for reasons and recoveries (SystemService.ReasonTexts).
// Reactive, so answers shown before the words arrived are updated.
import type { ReasonTexts } from './api';

export const loaded = $state<{ texts: ReasonTexts | null }>({ texts: null });
