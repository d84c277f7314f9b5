// The live chat window, for the member and the agent: the server sends the chat's state and each
// line over a WebSocket; this page sends what its person types. Typed text is kept until the
// server takes it. Without this script the form posts and the page shows the transcript.
(function () {
  var box = document.getElementById('chat-window');
  if (!box || box.getAttribute('data-ended') === 'true') return;
  var chatId = box.getAttribute('data-chat');
  var lines = document.getElementById('chat-lines');
  var state = document.getElementById('chat-state');
  var form = document.getElementById('say-form');
  var input = document.getElementById('say');
  var error = document.getElementById('say-error');
  var isMember = location.pathname.indexOf('/support/') === 0;
  var socket;
  var retry = 500;

  function line(msg) {
    if (lines.querySelector('[data-seq="' + msg.seq + '"]')) return;
    var li = document.createElement('li');
    li.setAttribute('data-seq', msg.seq);
    li.className = msg.system ? 'chat-system' : (msg.mine ? 'chat-mine' : 'chat-agent');
    var who = document.createElement('strong');
    who.textContent = msg.who;
    li.appendChild(who);
    li.appendChild(document.createTextNode(': ' + msg.body));
    lines.appendChild(li);
    lines.scrollTop = lines.scrollHeight;
  }

  function describe(msg) {
    if (msg.status === 'waiting') {
      return msg.position
        ? 'You are number ' + msg.position + ' in line. ' + (msg.wait || '')
        : 'Waiting for an agent.';
    }
    if (msg.status === 'active') {
      return 'You are chatting with ' + (isMember ? msg.agent : msg.member) + '.';
    }
    return msg.ticket_number
      ? 'This chat has ended. Its transcript is request #' + msg.ticket_number + ' and was emailed.'
      : 'This chat has ended.';
  }

  function connect() {
    var scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    socket = new WebSocket(scheme + location.host + '/support/chat/' + chatId + '/ws');
    socket.onopen = function () {
      retry = 500;
      // Lines written before this page loaded are already shown; the server sends them again
      // with their numbers, so the page starts over from the server's list.
      lines.innerHTML = '';
    };
    socket.onmessage = function (event) {
      var msg = JSON.parse(event.data);
      if (msg.type === 'line') line(msg);
      if (msg.type === 'state') {
        state.innerHTML = '';
        var strong = document.createElement('strong');
        strong.textContent = describe(msg);
        state.appendChild(strong);
        box.setAttribute('data-status', msg.status);
        if (msg.status === 'ended' && form) {
          form.hidden = true;
          var end = document.getElementById('end-form');
          if (end) end.hidden = true;
        }
        if (msg.status === 'active' && !isMember && form) form.hidden = false;
      }
      if (msg.type === 'error' && error) {
        error.textContent = msg.message;
        if (msg.body && !input.value) input.value = msg.body;
      }
    };
    socket.onclose = function () {
      if (box.getAttribute('data-status') === 'ended') return;
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10000);
    };
  }

  if (form) {
    form.addEventListener('submit', function (event) {
      if (!socket || socket.readyState !== WebSocket.OPEN) return;
      event.preventDefault();
      var body = input.value.trim();
      if (!body) return;
      error.textContent = '';
      socket.send(JSON.stringify({ type: 'say', body: body }));
      input.value = '';
    });
    input.addEventListener('keydown', function (event) {
      if (event.key === 'Enter' && !event.shiftKey) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }
  connect();
})();
