// The channel form: only the picker of whom the channel serves is shown, the robot's address
// only for a robot, its signing secret only for a 钉钉 robot. Without script every field shows
// and the server keeps only what the audience and kind name (Channel.clean).
(function () {
  "use strict";
  var form = document.getElementById("channel-form");
  if (!form) return;
  var kind = document.getElementById("id_kind");
  var audience = document.getElementById("id_audience");
  var pickers = { partnership: "id_partnership", organisation: "id_organisation", person: "id_person" };

  function field(id) {
    var input = document.getElementById(id);
    return input ? input.closest(".field") : null;
  }
  function show(id, shown) {
    var box = field(id);
    if (box) box.hidden = !shown;
  }
  function update() {
    Object.keys(pickers).forEach(function (name) {
      show(pickers[name], audience && audience.value === name);
    });
    var robot = kind && kind.value !== "sms";
    show("id_target", robot);
    show("id_secret", kind && kind.value === "dingtalk");
    show("id_clear_secret", kind && kind.value === "dingtalk");
  }
  if (kind) kind.addEventListener("change", update);
  if (audience) audience.addEventListener("change", update);
  update();
})();
