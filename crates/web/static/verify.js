// The member's hosted verification page: device check, consent, queue, chat, call, result.
"use strict";

(function () {
  const root = document.getElementById("verify");
  if (!root) return;
  const sid = root.dataset.session;
  const csrf = root.dataset.csrf;
  const ice = JSON.parse(root.dataset.ice || "[]");
  const base = "/verify/" + sid;
  const $ = function (id) { return document.getElementById(id); };
  let mediaOk = false;
  let call = null;
  let shownChat = new Set();
  let finished = false;

  function setCheck(id, ok, text) {
    const li = $(id);
    li.dataset.state = ok ? "ok" : "bad";
    li.querySelector("span").textContent = text;
  }

  async function post(path, body) {
    const res = await fetch(base + path, {
      method: "POST",
      headers: Object.assign({"x-trustwork-verify": csrf}, body instanceof FormData ? {} : {"content-type": "application/json"}),
      body: body instanceof FormData ? body : JSON.stringify(body || {}),
    });
    const data = await res.json().catch(function () { return {}; });
    if (!res.ok) throw new Error((data.error && data.error.message) || ("the server answered " + res.status));
    return data;
  }

  async function checkMedia() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      setCheck("check-media", false, "This browser cannot use a camera here. Switch to Google Chrome or Firefox.");
      $("no-camera").hidden = false;
      return;
    }
    try {
      const stream = await navigator.mediaDevices.getUserMedia({video: true, audio: true});
      stream.getTracks().forEach(function (t) { t.stop(); });
      mediaOk = true;
      setCheck("check-media", true, "Camera and microphone work.");
    } catch (e) {
      let text = "We could not use your camera and microphone.";
      if (e.name === "NotAllowedError" || e.name === "SecurityError") {
        text = "Your browser did not allow the camera and microphone. Allow them for this site (the camera icon in the address bar) and reload the page.";
      } else if (e.name === "NotFoundError" || e.name === "OverconstrainedError") {
        text = "We could not find a camera or a microphone. Connect one and reload the page.";
      } else if (e.name === "NotReadableError") {
        text = "Another program is using your camera. Close it and reload the page.";
      }
      setCheck("check-media", false, text);
      $("no-camera").hidden = false;
    }
    updateJoin();
  }

  function updateJoin() {
    const browserOk = $("check-browser").dataset.state === "ok";
    let why = "";
    if (!browserOk) why = "Switch to Google Chrome or Firefox on a computer first.";
    else if (!mediaOk) why = "Your camera and microphone must work first.";
    else if (!$("consent").checked) why = "Tick the box above first.";
    $("join").disabled = why !== "";
    $("join-why").textContent = why;
  }

  function minutes(secs) {
    if (secs <= 60) return "less than a minute";
    return "about " + Math.round(secs / 60) + " minutes";
  }

  function addChat(m) {
    if (shownChat.has(m.id)) return;
    shownChat.add(m.id);
    const li = document.createElement("li");
    li.className = "chat-" + m.sender;
    const who = m.sender === "member" ? "You" : m.sender === "agent" ? "Agent" : "";
    li.textContent = (who ? who + ": " : "") + m.body;
    $("chat").appendChild(li);
    li.scrollIntoView({block: "nearest"});
  }

  function show(state) {
    const c = state.call;
    const live = c && (c.status === "waiting" || c.status === "with_agent");
    $("consent-card").hidden = !!live || !!state.result;
    $("waiting").hidden = !(c && c.status === "waiting");
    $("chat-card").hidden = !(c && c.status === "with_agent");
    if (c && c.status === "waiting") {
      $("position").textContent = c.position;
      $("wait").textContent = minutes(c.estimated_wait_seconds);
      $("busy").hidden = c.agents_available > 0 && c.position === 1;
    }
    // Past the check, the call matters more than the checklist.
    $("checks").hidden = !!(c && c.status === "with_agent");
    if (c && c.status === "with_agent") {
      state.chat.forEach(addChat);
      if (!call) startSignalling();
      // Opened again after the agent sent the link: the call is offered at once.
      if (state.invited && call && !call.inCall && $("call-card").hidden) $("invite").hidden = false;
    }
    if (state.result) {
      finished = true;
      $("result").hidden = false;
      $("result-text").textContent = state.result;
      if (state.case_status === "verified") $("result-text").className = "big verified";
      $("chat-card").hidden = true;
      $("call-card").hidden = true;
      $("checks").hidden = true;
      $("documents").hidden = true;
      if (call) call.stop();
    }
    const list = $("doc-list");
    list.textContent = "";
    state.documents.forEach(function (d) {
      const li = document.createElement("li");
      li.textContent = d.label + " — uploaded " + d.uploaded_at;
      list.appendChild(li);
    });
  }

  async function refresh() {
    try {
      const res = await fetch(base + "/state");
      if (res.ok) show(await res.json());
    } catch (e) { /* the next poll tries again */ }
    if (!finished) setTimeout(refresh, 2000);
  }

  function startSignalling() {
    call = window.TwCall({
      url: base + "/ws",
      role: "member",
      iceServers: ice,
      localVideo: $("local-video"),
      remoteVideo: $("remote-video"),
      onState: function (t) { $("call-state").textContent = t; },
      onMessage: function (m) {
        if (m.type === "chat") {
          addChat(m);
          const input = $("chat-input");
          if (m.client_id && m.client_id === input.dataset.pending) { input.value = ""; input.dataset.pending = ""; $("chat-error").hidden = true; }
        }
        if (m.type === "invite") $("invite").hidden = false;
        if (m.type === "error") { $("chat-error").hidden = false; $("chat-error").textContent = m.message; }
        if (m.type === "ended") { call.stop(); call = null; $("call-card").hidden = true; refresh(); }
      },
    });
  }

  $("consent").addEventListener("change", updateJoin);
  $("join").addEventListener("click", async function () {
    $("join").disabled = true;
    try { await post("/queue", {consent: true}); await refresh(); }
    catch (e) { $("join-why").textContent = e.message; updateJoin(); }
  });
  $("leave").addEventListener("click", async function () {
    try { await post("/leave"); } catch (e) {}
    refresh();
  });
  let sent = 0;
  $("chat-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    const input = $("chat-input");
    const body = input.value.trim();
    if (!body || !call) return;
    // The text stays in the box until the server kept it (its line comes back).
    input.dataset.pending = "m" + (++sent);
    if (!call.send({type: "chat", body: body, client_id: input.dataset.pending})) {
      $("chat-error").hidden = false;
      $("chat-error").textContent = "Not connected yet; your message is still in the box.";
    }
  });
  $("join-call").addEventListener("click", async function () {
    $("call-card").hidden = false;
    $("invite").hidden = true;
    try { await call.join(); } catch (e) { $("call-state").textContent = "Your camera could not start: " + e.message; }
  });
  $("doc-form").addEventListener("submit", async function (ev) {
    ev.preventDefault();
    const form = new FormData();
    form.append("kind", $("doc-kind").value);
    const file = $("doc-file").files[0];
    if (!file) { $("doc-message").textContent = "Choose a file first."; return; }
    form.append("file", file);
    try {
      await post("/documents", form);
      $("doc-message").textContent = "Uploaded. An agent will review it.";
      $("doc-file").value = "";
      refresh();
    } catch (e) { $("doc-message").textContent = e.message; }
  });

  if ($("check-browser").dataset.state === "ok") checkMedia();
  else { setCheck("check-media", false, "Not checked: switch browsers first."); $("no-camera").hidden = false; updateJoin(); }
  refresh();
})();
