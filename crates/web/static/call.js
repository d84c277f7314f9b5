// The verification call's WebRTC side, shared by the member's and the agent's page. Signalling
// runs over the server's WebSocket; the member says "ready", the agent answers with an offer.
// A dropped socket reconnects; a failed connection starts again from "ready".
"use strict";

window.TwCall = function (opts) {
  // opts: {url, role: "member"|"agent", audioOnly, iceServers, localVideo, remoteVideo, onMessage, onState}
  const self = {ws: null, pc: null, local: null, ended: false, pendingIce: [], inCall: false, connectedOnce: false};
  let retry = 0;

  function state(text) { if (opts.onState) opts.onState(text); }

  function send(msg) {
    if (self.ws && self.ws.readyState === WebSocket.OPEN) { self.ws.send(JSON.stringify(msg)); return true; }
    return false;
  }
  self.send = send;

  function connect() {
    if (self.ended) return;
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(scheme + "//" + location.host + opts.url);
    self.ws = ws;
    ws.onopen = function () { retry = 0; if (opts.onOpen) opts.onOpen(); if (self.inCall && opts.role === "member") readyIfNeeded(); };
    ws.onmessage = function (ev) {
      let msg;
      try { msg = JSON.parse(ev.data); } catch (e) { return; }
      handle(msg);
    };
    ws.onclose = function () {
      if (self.ended) return;
      state("Reconnecting…");
      retry = Math.min(retry + 1, 5);
      setTimeout(connect, 1000 * retry);
    };
  }

  // A working call survives a signalling reconnect: only ask for a new one when it is down.
  function readyIfNeeded() {
    if (!self.pc || self.pc.connectionState !== "connected") send({type: "ready"});
  }

  async function media() {
    if (!self.local) {
      const video = opts.audioOnly ? false : {width: 640, height: 480};
      self.local = await navigator.mediaDevices.getUserMedia({video: video, audio: true});
      opts.localVideo.srcObject = self.local;
    }
    return self.local;
  }

  function newPeer() {
    if (self.pc) { try { self.pc.close(); } catch (e) {} }
    const pc = new RTCPeerConnection({iceServers: opts.iceServers || []});
    self.pc = pc;
    self.pendingIce = [];
    self.local.getTracks().forEach(function (t) { pc.addTrack(t, self.local); });
    pc.onicecandidate = function (ev) { if (ev.candidate) send({type: "ice", candidate: ev.candidate.toJSON()}); };
    pc.ontrack = function (ev) { opts.remoteVideo.srcObject = ev.streams[0]; };
    pc.onconnectionstatechange = function () {
      if (pc !== self.pc) return;
      const s = pc.connectionState;
      if (s === "connected") {
        state("Connected.");
        if (opts.role === "agent" && !self.connectedOnce) { self.connectedOnce = true; send({type: "connected"}); }
      } else if (s === "failed" || s === "disconnected") {
        state("The connection dropped; reconnecting…");
        if (opts.role === "member") setTimeout(function () { if (pc === self.pc && pc.connectionState !== "connected") send({type: "ready"}); }, 3000);
      }
    };
    return pc;
  }

  async function flushIce() {
    const queued = self.pendingIce; self.pendingIce = [];
    for (const c of queued) { try { await self.pc.addIceCandidate(c); } catch (e) {} }
  }

  async function handle(msg) {
    try {
      if (msg.type === "ready" && opts.role === "agent") {
        await media();
        const pc = newPeer();
        await pc.setLocalDescription(await pc.createOffer());
        send({type: "offer", sdp: pc.localDescription.sdp});
        state("Calling…");
      } else if (msg.type === "offer" && opts.role === "member") {
        await media();
        const pc = newPeer();
        await pc.setRemoteDescription({type: "offer", sdp: msg.sdp});
        await flushIce();
        await pc.setLocalDescription(await pc.createAnswer());
        send({type: "answer", sdp: pc.localDescription.sdp});
      } else if (msg.type === "answer" && opts.role === "agent" && self.pc) {
        await self.pc.setRemoteDescription({type: "answer", sdp: msg.sdp});
        await flushIce();
      } else if (msg.type === "ice" && msg.candidate) {
        if (self.pc && self.pc.remoteDescription) { await self.pc.addIceCandidate(msg.candidate); }
        else { self.pendingIce.push(msg.candidate); }
      } else if (msg.type === "peer" && msg.present && self.inCall && opts.role === "member") {
        readyIfNeeded();
      } else if (msg.type === "ended") {
        self.stop();
      } else if (msg.type === "replaced") {
        // Another window took this call over: this one steps back instead of fighting for it.
        self.stop();
        state("This call is open in another window.");
      }
    } catch (e) {
      state("Something went wrong with the call: " + e.message);
    }
    if (opts.onMessage) opts.onMessage(msg);
  }

  // The member joins the call: camera on, then tell the agent.
  self.join = async function () {
    await media();
    self.inCall = true;
    send({type: "ready"});
    state("Waiting for the agent's video…");
  };

  // The agent turns the camera on before the member joins.
  self.prepare = async function () { await media(); };

  self.stop = function () {
    self.ended = true;
    if (self.pc) { try { self.pc.close(); } catch (e) {} }
    if (self.local) self.local.getTracks().forEach(function (t) { t.stop(); });
    if (self.ws) { try { self.ws.close(); } catch (e) {} }
  };

  connect();
  return self;
};
