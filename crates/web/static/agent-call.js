// The agent's call page: signalling, chat, the video link, answer marks and the ID capture.
"use strict";

(function () {
  const root = document.getElementById("agent-call");
  if (!root || root.dataset.live !== "true") return;
  const callId = root.dataset.call;
  const csrf = root.dataset.csrf;
  const base = "/agent/verification/calls/" + callId;
  const $ = function (id) { return document.getElementById(id); };

  function addChat(m) {
    const li = document.createElement("li");
    li.className = "chat-" + m.sender;
    li.textContent = (m.sender === "agent" ? "You: " : m.sender === "member" ? "Member: " : "") + m.body;
    $("chat").appendChild(li);
    li.scrollIntoView({block: "nearest"});
  }

  const call = window.TwCall({
    url: base + "/ws",
    role: "agent",
    iceServers: JSON.parse(root.dataset.ice || "[]"),
    localVideo: $("local-video"),
    remoteVideo: $("remote-video"),
    onState: function (t) { $("call-state").textContent = t; },
    onMessage: function (m) {
      if (m.type === "chat") {
        addChat(m);
        const input = $("chat-input");
        if (m.client_id && m.client_id === input.dataset.pending) { input.value = ""; input.dataset.pending = ""; $("chat-error").hidden = true; }
      }
      if (m.type === "peer" && m.role === "member") {
        $("call-state").textContent = m.present ? "The member is on the page." : "The member left the page; they can come back with their link.";
      }
      if (m.type === "error") { $("chat-error").hidden = false; $("chat-error").textContent = m.message; }
    },
  });
  call.prepare().catch(function (e) { $("call-state").textContent = "Your camera could not start: " + e.message; });

  $("remote-video").addEventListener("loadeddata", function () {
    $("capture").disabled = false;
    $("capture").title = "";
  });

  $("send-invite").addEventListener("click", function () {
    // A click lets the browser play the member's sound.
    $("remote-video").play().catch(function () {});
    if (!call.send({type: "invite"})) $("call-state").textContent = "Not connected yet; try again in a moment.";
  });

  let sent = 0;
  $("chat-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    const input = $("chat-input");
    const body = input.value.trim();
    if (!body) return;
    // The text stays in the box until the server kept it (its line comes back).
    input.dataset.pending = "a" + (++sent);
    if (!call.send({type: "chat", body: body, client_id: input.dataset.pending})) {
      $("chat-error").hidden = false;
      $("chat-error").textContent = "Not connected yet; your message is still in the box.";
    }
  });

  document.querySelectorAll("[data-question] input[type=radio]").forEach(function (input) {
    input.addEventListener("change", async function () {
      const qid = input.closest("[data-question]").dataset.question;
      $("marks-state").textContent = "Saving…";
      const res = await fetch(base + "/questions/" + qid, {
        method: "POST",
        headers: {"content-type": "application/json", "x-csrf-token": csrf},
        body: JSON.stringify({mark: input.value}),
      });
      $("marks-state").textContent = res.ok ? "Saved." : "Not saved — reload the page.";
    });
  });

  $("capture").addEventListener("click", function () {
    const video = $("remote-video");
    const canvas = document.createElement("canvas");
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext("2d").drawImage(video, 0, 0);
    canvas.toBlob(async function (blob) {
      const res = await fetch(base + "/capture", {
        method: "POST",
        headers: {"content-type": "image/jpeg", "x-csrf-token": csrf},
        body: blob,
      });
      const data = await res.json().catch(function () { return {}; });
      if (!res.ok) { $("capture-why").textContent = (data.error && data.error.message) || "The capture was not saved."; return; }
      const li = document.createElement("li");
      li.textContent = data.label + " — captured " + data.added;
      li.dataset.evidence = data.id;
      $("evidence").appendChild(li);
      $("capture-why").textContent = "Captured. You can capture again if the ID was not readable.";
    }, "image/jpeg", 0.9);
  });
})();
