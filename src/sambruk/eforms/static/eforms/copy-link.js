// "Kopiera länken": copies the permanent address of an e-service (publisher page).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const input = document.getElementById(button.dataset.copyTarget);
  const status = document.getElementById(`${button.dataset.copyTarget}-status`);
  const done = () => {
    if (status) status.textContent = button.dataset.copiedText || "";
  };
  if (navigator.clipboard) {
    navigator.clipboard.writeText(input.value).then(done, () => input.select());
  } else {
    input.select();
    document.execCommand("copy");
    done();
  }
});
