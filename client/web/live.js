// live.js: the browser client of the live protocol (GET /ws), used by every
// screen. It connects with the session cookie (authenticated at upgrade),
// subscribes with `since`, delivers each durable event once and in order,
// notices gaps (an event beyond the next sequence, or a `position` ahead of
// what it has) and fetches them, and reconnects with backoff, resuming each
// channel from the last sequence it delivered.
//
//   const sub = live.subscribe('case:<id>', {since: 12, onEvent, onTyping, onPresence});
//   live.typing('case:<id>');   sub.close();
//
// Handlers: onEvent(data, seq) for events; onSnapshot({presence}),
// onPresence({action, user_id}), onTyping({user_id, state}),
// onUnsubscribed({code, message}), onState(connected bool) for all.

const REVOKED = 4001; // the session ended: do not reconnect

// sequenced channels number their events 1, 2, 3...; feeds and user
// channels are live tails (seq 0).
const sequenced = (ch) => /^(case:[^:]+(:staff)?|meeting:[^:]+)$/.test(ch);

class Live {
  constructor() {
    this.ws = null;
    this.subs = new Map();      // channel -> {last, handlers: Set}
    this.nextID = 1;
    this.attempts = 0;
    this.timer = null;
    this.stopped = true;
    this.connected = false;
    this.stateListeners = new Set();
  }

  // start connects (once logged in); stop closes for good (logout).
  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close(1000);
    this.ws = null;
    this.subs.clear();
    this.setConnected(false);
  }

  onState(fn) {
    this.stateListeners.add(fn);
    fn(this.connected);
    return () => this.stateListeners.delete(fn);
  }

  setConnected(v) {
    this.connected = v;
    for (const fn of this.stateListeners) fn(v);
  }

  connect() {
    const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onopen = () => {
      this.attempts = 0;
      this.setConnected(true);
      for (const [channel, s] of this.subs) this.send({ type: 'subscribe', channel, since: s.last });
    };
    ws.onmessage = (ev) => {
      let m;
      try { m = JSON.parse(ev.data); } catch { return; }
      this.dispatch(m);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.setConnected(false);
      if (this.stopped || ev.code === REVOKED) return;
      const delay = Math.min(10000, 300 * 2 ** this.attempts++) * (0.75 + Math.random() / 2);
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }

  send(m) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      m.id = m.id || String(this.nextID++);
      this.ws.send(JSON.stringify(m));
      return true;
    }
    return false;
  }

  dispatch(m) {
    const s = this.subs.get(m.channel);
    if (!s) return;
    const each = (name, arg, seq) => { for (const h of s.handlers) if (h[name]) h[name](arg, seq); };
    switch (m.type) {
      case 'event':
        if (!sequenced(m.channel) || !m.seq) { each('onEvent', m.data, 0); return; }
        if (m.seq <= s.last) return; // a duplicate after a resume
        if (m.seq > s.last + 1) { this.fetch(m.channel, s); return; } // a gap: ask for it
        s.last = m.seq;
        s.fetching = false;
        each('onEvent', m.data, m.seq);
        return;
      case 'position':
        if (sequenced(m.channel) && m.seq > s.last) this.fetch(m.channel, s);
        return;
      case 'snapshot': each('onSnapshot', m.data || {}); return;
      case 'presence': each('onPresence', m.data || {}); return;
      case 'typing': each('onTyping', m.data || {}); return;
      case 'unsubscribed': each('onUnsubscribed', m.data || {}); return;
      default:
    }
  }

  fetch(channel, s) {
    if (s.fetching) return;
    s.fetching = true;
    this.send({ type: 'fetch', channel, since: s.last });
    setTimeout(() => { s.fetching = false; }, 2000);
  }

  // subscribe starts (or joins) a subscription; since is the last sequence
  // the caller already has (from the REST answer). Returns {close}.
  subscribe(channel, handlers, since = 0) {
    let s = this.subs.get(channel);
    if (!s) {
      s = { last: since, handlers: new Set(), fetching: false };
      this.subs.set(channel, s);
      this.send({ type: 'subscribe', channel, since });
    } else if (since > s.last) {
      s.last = since;
    }
    s.handlers.add(handlers);
    return {
      close: () => {
        s.handlers.delete(handlers);
        if (s.handlers.size === 0 && this.subs.get(channel) === s) {
          this.subs.delete(channel);
          this.send({ type: 'unsubscribe', channel });
        }
      },
    };
  }

  typing(channel, state = 'start') {
    this.send({ type: 'typing', channel, data: { state } });
  }
}

export const live = new Live();
