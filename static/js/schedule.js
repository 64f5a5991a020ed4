// The schedule form: choosing another kind of meeting preselects what its answer form
// usually asks (the page works without this; the checkboxes stay as they are).
(function () {
  "use strict";
  var kind = document.getElementById("id_kind");
  if (!kind || !kind.dataset.answerDefaults) return;
  var defaults = JSON.parse(kind.dataset.answerDefaults);
  kind.addEventListener("change", function () {
    var chosen = defaults[kind.value] || [];
    document.querySelectorAll('input[name="answer_fields"]').forEach(function (box) {
      box.checked = chosen.indexOf(box.value) !== -1;
    });
  });
})();
