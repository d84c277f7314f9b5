// A call started from a thread: the caller's page makes the offer (TwCall's "agent" part), the
// other side joins with its camera (the "member" part). Hanging up ends the call for both.
"use strict";

(function () {
  const root = document.getElementById("thread-call");
  if (!root || root.dataset.live !== "true") return;
  const $ = function (id) { return document.getElementById(id); };
  const role = root.dataset.role;
  const state = function (t) { $("call-state").textContent = t; };
  const call = window.TwCall({
    url: "/messages/" + root.dataset.thread + "/calls/" + root.dataset.call + "/ws",
    role: role,
    audioOnly: root.dataset.voice === "true",
    iceServers: JSON.parse(root.dataset.ice || "[]"),
    localVideo: $("local-video"),
    remoteVideo: $("remote-video"),
    onState: state,
    onMessage: function (m) {
      if (m.type === "peer" && !m.present) state("The other side left the call page; they can come back from the thread.");
      if (m.type === "peer" && m.present && role === "agent") state("The other side is on the call page…");
      if (m.type === "ended") { state("The call has ended."); $("hang-up").disabled = true; }
      if (m.type === "error") state(m.message);
    },
  });
  if (role === "agent") {
    call.prepare().then(function () { state("Calling… waiting for the other side to join from the thread."); })
      .catch(function (e) { state("Your camera or microphone could not start: " + e.message); });
  } else {
    call.join().catch(function (e) { state("Your camera or microphone could not start: " + e.message); });
  }
  $("hang-up").addEventListener("click", function () {
    call.send({type: "hangup"});
    $("hang-up").disabled = true;
    setTimeout(function () { call.stop(); location.href = "/messages/" + root.dataset.thread; }, 300);
  });
})();
