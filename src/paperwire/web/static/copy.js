// Copy-to-clipboard buttons: shown only when JavaScript runs (the text stays selectable without it).
document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
  var source = document.getElementById(button.dataset.copy);
  if (!source || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(source.value).then(function () {
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = "Copy BibTeX"; }, 2000);
    });
  });
});
