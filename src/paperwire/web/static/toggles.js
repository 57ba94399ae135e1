// The reader's buttons (▲ upvote, Save, Not interested, Seen) without a page reload.
// Each is a plain form that works without JavaScript; here its change goes to the JSON API
// instead (POST turns the mark on, DELETE off), with the page's CSRF token as a header, and
// the button shows the answer. Anything but a good answer falls back to the plain form,
// whose page says what went wrong (signed out, rate limited...).
(function () {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (!meta || !window.fetch) return;

  function show(form, answer) {
    var on = answer[form.dataset.field] === true;
    form.dataset.on = String(on);
    form.querySelector('input[name="on"]').value = String(!on);
    form.querySelectorAll("button[aria-pressed]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(on));
    });
    form.querySelectorAll("[data-count]").forEach(function (count) {
      var value = answer[count.dataset.count];
      if (typeof value === "number") count.textContent = String(value);
    });
    var card = form.closest(".card");
    if (card && form.dataset.field === "dismissed") card.classList.toggle("dismissed", on);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form.toggle[data-api]") || form.dataset.busy) return;
    event.preventDefault();
    form.dataset.busy = "1";
    fetch(form.dataset.api, {
      method: form.dataset.on === "true" ? "DELETE" : "POST",
      headers: { "X-CSRF-Token": meta.content, "Accept": "application/json" },
      credentials: "same-origin",
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }).then(function (answer) {
      show(form, answer);
      delete form.dataset.busy;
    }).catch(function () {
      form.submit();  // the plain form: its answer page explains the refusal
    });
  });
})();
