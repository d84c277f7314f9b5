// The support page's chat card: the chosen category's team is either taking chats (Start a chat)
// or away (the message form, with when they are back). Without this script the server answers a
// chat started after hours with the message form.
(function () {
  var select = document.getElementById('chat-category');
  if (!select) return;
  var chatForm = document.getElementById('chat-form');
  var messageForm = document.getElementById('message-form');
  var hours = document.getElementById('chat-hours');
  var category = document.getElementById('message-category');
  function show() {
    var option = select.options[select.selectedIndex];
    var open = option.getAttribute('data-open') === 'true';
    category.value = option.value;
    chatForm.hidden = !open;
    messageForm.hidden = open;
    hours.textContent = open
      ? 'The ' + option.textContent.toLowerCase() + ' team is taking chats now.'
      : 'The ' + option.textContent.toLowerCase() + ' team is away. They are back ' +
        option.getAttribute('data-back') + '. Leave a message and we will answer by email.';
  }
  select.addEventListener('change', show);
  show();
})();
