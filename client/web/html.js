// html.js: Preact with htm, the one way screens build their markup.
import { h, render } from './vendor/preact/preact.js';
import htm from './vendor/htm/htm.js';

export { render };
export { useState, useEffect, useRef, useMemo, useCallback } from './vendor/preact/hooks.js';
export const html = htm.bind(h);
