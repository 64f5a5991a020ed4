// The invite picker's search box filters the list of organisations and people as one types.
// Without this script the box submits ?q= and the server narrows the list instead. Hidden
// entries stay ticked: searching never drops a choice.
(function () {
  "use strict";
  var input = document.getElementById("invitee-search");
  var list = document.getElementById("invitee-list");
  if (!input || !list) return;
  var none = document.getElementById("invitee-none");

  function matches(element, query) {
    return (element.getAttribute("data-search") || "").toLowerCase().indexOf(query) !== -1;
  }

  function filter() {
    var query = input.value.trim().toLowerCase();
    var shown = 0;
    list.querySelectorAll("li.invitee-org").forEach(function (organisation) {
      var own = !query || matches(organisation, query);
      var someone = false;
      organisation.querySelectorAll("li.invitee-person").forEach(function (person) {
        var visible = own || matches(person, query);
        person.hidden = !visible;
        someone = someone || visible;
      });
      organisation.hidden = !(own || someone);
      if (!organisation.hidden) shown += 1;
    });
    if (none) none.hidden = shown > 0;
  }

  input.addEventListener("input", filter);
  if (input.form) {
    input.form.addEventListener("submit", function (event) {
      event.preventDefault();
      filter();
    });
  }
  if (input.value) filter();
})();
