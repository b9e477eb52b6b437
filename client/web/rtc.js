// rtc.js: meeting audio in the browser. One RTCPeerConnection to the
// server's SFU (media/rtc), signalled over /ws on the meeting's channel with
// the live protocol's rtc.* messages (API.md "Live"):
//
//   client → server  rtc.join (ack: {ice_servers, max_bitrate}), rtc.offer {sdp},
//                    rtc.answer {sdp}, rtc.candidate RTCIceCandidateInit,
//                    rtc.mute {user_id?, muted}, rtc.hand {raised}, rtc.floor {user_id},
//                    rtc.record {on} (the chair), rtc.leave
//   server → client  rtc.answer {sdp} (echoing the offer's id), rtc.offer {sdp} (the
//                    server renegotiates when someone joins or leaves), rtc.candidate,
//                    rtc.restart (the room moved to another node: negotiate again),
//                    error {code, message} (echoing the request's id), and on the
//                    channel: rtc.joined, rtc.left, rtc.muted {user_id, muted, by},
//                    rtc.speaker {user_id, level}, rtc.hands {queue, floor},
//                    rtc.recording {on, by}, rtc.recorded {recording}; to this client
//                    once connected: rtc.state {participants [{id, muted}], speaker,
//                    hands, floor, recording}
//
// It uses a socket of its own (cookie-authenticated like live.js), so
// signalling never waits behind a screen's traffic.
//
//   const audio = new MeetingAudio(meetingID, {
//     onTrack(userID, stream) {}, onJoined(userID) {}, onLeft(userID) {},
//     onSpeaker(userID) {}, onMuted({user_id, muted, by}) {}, onHands({queue, floor}) {},
//     onRecording({on, by}) {}, onRecorded(recording) {}, onRoom(state) {},
//     onError({code, message}) {}, onState('connecting'|'connected'|'failed'|'closed') {},
//   });
//   await audio.start();          // asks for the microphone
//   audio.setMuted(true);         // mutes here and tells the room
//   audio.mute(userID, true);     // the chair mutes someone (server-side)
//   audio.raiseHand(true); audio.giveFloor(userID); audio.record(true); audio.stop();
//
// Remote audio is played by <audio> elements this module creates (hidden,
// not in the document), one per receiving transceiver: the SFU reuses a
// transceiver when a newcomer takes the place of someone who left, so the
// same track carries another voice and its player goes on playing; who is
// speaking comes from rtc.speaker, not from the tracks.

export class MeetingAudio {
  constructor(meetingID, handlers = {}) {
    this.channel = 'meeting:' + meetingID;
    this.h = handlers;
    this.ws = null;
    this.pc = null;
    this.mic = null;
    this.iceServers = [];
    this.nextID = 1;
    this.waiting = new Map(); // request id -> {resolve, reject}
    this.players = new Map(); // transceiver mid -> HTMLAudioElement
    this.muted = false;
    this.stopped = false;
    this.early = []; // server candidates that came before the answer
  }

  emit(name, ...args) { if (this.h[name]) this.h[name](...args); }

  // start opens the socket, joins the room and negotiates.
  async start() {
    this.stopped = false;
    this.emit('onState', 'connecting');
    await this.open();
    // Presence in the room (the subscription) is what lets a member signal.
    await this.request({ type: 'subscribe', channel: this.channel, since: 0 });
    const joined = await this.request({ type: 'rtc.join', channel: this.channel });
    this.iceServers = (joined && joined.ice_servers) || [];
    this.mic = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    });
    await this.negotiate();
  }

  open() {
    return new Promise((resolve, reject) => {
      const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
      const ws = new WebSocket(url);
      this.ws = ws;
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new Error('rtc: socket failed'));
      ws.onmessage = (ev) => {
        let m;
        try { m = JSON.parse(ev.data); } catch { return; }
        this.dispatch(m);
      };
      ws.onclose = () => {
        if (this.ws !== ws) return;
        this.ws = null;
        for (const w of this.waiting.values()) w.reject(new Error('rtc: socket closed'));
        this.waiting.clear();
        if (!this.stopped) this.reconnect();
      };
    });
  }

  // reconnect opens a new socket and negotiates from scratch after a pause.
  reconnect() {
    this.emit('onState', 'connecting');
    setTimeout(async () => {
      if (this.stopped) return;
      try {
        await this.open();
        await this.request({ type: 'subscribe', channel: this.channel, since: 0 });
        await this.negotiate();
      } catch { if (!this.stopped) this.reconnect(); }
    }, 1000 + Math.random() * 1000);
  }

  send(m) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return null;
    m.id = m.id || 'rtc-' + this.nextID++;
    this.ws.send(JSON.stringify(m));
    return m.id;
  }

  // request sends m and resolves with the ack's data (or the rtc.answer),
  // rejecting with the error frame's {code, message}.
  request(m) {
    return new Promise((resolve, reject) => {
      const id = this.send(m);
      if (!id) { reject(new Error('rtc: not connected')); return; }
      this.waiting.set(id, { resolve, reject });
    });
  }

  // negotiate makes a fresh peer connection with the microphone and offers.
  async negotiate() {
    if (this.pc) this.closePeer();
    const pc = new RTCPeerConnection({ iceServers: this.iceServers, bundlePolicy: 'max-bundle' });
    this.pc = pc;
    this.early = [];
    for (const track of this.mic.getAudioTracks()) {
      track.enabled = !this.muted;
      pc.addTrack(track, this.mic);
    }
    pc.onicecandidate = (ev) => {
      if (ev.candidate && this.pc === pc) this.send({ type: 'rtc.candidate', channel: this.channel, data: ev.candidate.toJSON() });
    };
    pc.ontrack = (ev) => {
      const key = (ev.transceiver && ev.transceiver.mid) || ev.track.id;
      let player = this.players.get(key);
      if (!player) {
        player = new Audio();
        player.autoplay = true;
        player.srcObject = new MediaStream([ev.track]);
        this.players.set(key, player);
        player.play().catch(() => {}); // autoplay may wait for a user gesture
      }
      const stream = ev.streams[0];
      if (stream) this.emit('onTrack', stream.id, stream); // the SFU names each stream after its publisher
    };
    pc.onconnectionstatechange = () => {
      if (this.pc !== pc) return;
      const s = pc.connectionState;
      if (s === 'connected') this.emit('onState', 'connected');
      if (s === 'failed') { this.emit('onState', 'failed'); this.negotiate().catch((e) => this.fail(e)); }
    };
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    const answer = await this.request({ type: 'rtc.offer', channel: this.channel, data: { sdp: offer.sdp } });
    if (this.pc === pc && answer && answer.sdp) {
      await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
      const early = this.early;
      this.early = [];
      for (const c of early) await pc.addIceCandidate(c);
    }
  }

  fail(err) {
    this.emit('onError', err && err.code ? err : { code: 'EINTERNAL', message: String(err && err.message || err) });
  }

  async dispatch(m) {
    const w = m.id && this.waiting.get(m.id);
    if (w && (m.type === 'ack' || m.type === 'error' || m.type === 'rtc.answer')) {
      this.waiting.delete(m.id);
      if (m.type === 'error') { w.reject(m.data || {}); this.fail(m.data || {}); } else w.resolve(m.data);
      return;
    }
    if (m.channel !== this.channel) return;
    const pc = this.pc;
    try {
      switch (m.type) {
        case 'rtc.offer': // the server renegotiates
          if (!pc) return;
          await pc.setRemoteDescription({ type: 'offer', sdp: m.data.sdp });
          await pc.setLocalDescription(await pc.createAnswer());
          this.send({ type: 'rtc.answer', channel: this.channel, data: { sdp: pc.localDescription.sdp } });
          return;
        case 'rtc.candidate':
          if (!pc || !m.data || !m.data.candidate) return;
          if (!pc.remoteDescription) { this.early.push(m.data); return; } // before the answer
          await pc.addIceCandidate(m.data);
          return;
        case 'rtc.restart': // the room moved to another node
          await this.negotiate();
          return;
        case 'error':
          this.fail(m.data || {}); // e.g. ETOOLARGE: over the bitrate
          return;
        case 'rtc.speaker': this.emit('onSpeaker', m.data && m.data.user_id); return;
        case 'rtc.muted': this.emit('onMuted', m.data || {}); return;
        case 'rtc.hands': this.emit('onHands', m.data || {}); return;
        case 'rtc.joined': this.emit('onJoined', m.data && m.data.user_id); return;
        case 'rtc.left': this.emit('onLeft', m.data && m.data.user_id); return;
        case 'rtc.recording': this.emit('onRecording', m.data || {}); return;
        case 'rtc.state': this.emit('onRoom', m.data || {}); return;
        case 'rtc.recorded': this.emit('onRecorded', m.data || {}); return;
        default:
      }
    } catch (e) { this.fail(e); }
  }

  // setMuted mutes the microphone here and tells the room (the server stops
  // forwarding too, so a tampered client cannot keep talking).
  setMuted(muted) {
    this.muted = muted;
    if (this.mic) for (const t of this.mic.getAudioTracks()) t.enabled = !muted;
    return this.request({ type: 'rtc.mute', channel: this.channel, data: { muted } });
  }

  // mute is the chair muting (or unmuting) someone, server-side.
  mute(userID, muted) {
    return this.request({ type: 'rtc.mute', channel: this.channel, data: { user_id: userID, muted } });
  }

  raiseHand(raised = true) {
    return this.request({ type: 'rtc.hand', channel: this.channel, data: { raised } });
  }

  // giveFloor is the chair answering a raised hand: their hand goes down and
  // they are unmuted.
  giveFloor(userID) {
    return this.request({ type: 'rtc.floor', channel: this.channel, data: { user_id: userID } });
  }

  // record turns the recording of the meeting on or off (the chair): one
  // file per speaker, attached to the minutes.
  record(on) {
    return this.request({ type: 'rtc.record', channel: this.channel, data: { on } });
  }

  closePeer() {
    if (!this.pc) return;
    this.pc.onconnectionstatechange = null;
    this.pc.close();
    this.pc = null;
  }

  // stop leaves the room and releases the microphone.
  stop() {
    this.stopped = true;
    this.send({ type: 'rtc.leave', channel: this.channel });
    this.closePeer();
    if (this.mic) for (const t of this.mic.getTracks()) t.stop();
    this.mic = null;
    for (const p of this.players.values()) p.srcObject = null;
    this.players.clear();
    if (this.ws) { const ws = this.ws; this.ws = null; ws.close(1000); }
    this.emit('onState', 'closed');
  }
}
