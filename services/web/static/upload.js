// Progressive enhancement of a file form marked data-upload: the file goes up with
// XMLHttpRequest, its progress shown in the form's <progress> and told in its role=status text.
// Without this script the form posts as it is, and the server streams it on all the same.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-upload]").forEach(enhance);
});

function enhance(form) {
  const input = form.querySelector("input[type=file]");
  const bar = form.querySelector("[data-progress]");
  const progress = bar.querySelector("progress");
  const status = form.querySelector("[data-status]");
  const button = form.querySelector("button[type=submit]");
  let told = -10;

  function show(percent) {
    progress.value = percent;
    progress.textContent = percent + " %";
    if (percent === 100 || percent >= told + 10) {  // a screen reader hears every tenth, not every event
      told = percent;
      status.textContent = form.dataset.progressText.replace("{percent}", percent);
    }
  }

  function fail(text) {
    button.disabled = false;
    bar.hidden = true;
    status.textContent = text || form.dataset.failedText;
    status.classList.add("error");
  }

  form.addEventListener("submit", (event) => {
    if (!input.files.length) return;  // nothing chosen: the server says so next to the field
    event.preventDefault();
    const file = input.files[0];
    const request = new XMLHttpRequest();
    request.open("PUT", form.dataset.upload);
    request.responseType = "json";
    request.setRequestHeader("Content-Type", "application/octet-stream");
    request.setRequestHeader("X-CSRFToken", form.elements.csrf_token.value);
    request.setRequestHeader("If-Match", form.dataset.etag);
    request.setRequestHeader("X-File-Name", encodeURIComponent(file.name));
    request.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable && e.total > 0) show(Math.floor((100 * e.loaded) / e.total));
    });
    request.upload.addEventListener("load", () => show(100));
    request.addEventListener("load", () => {
      const answer = request.response || {};
      if (request.status === 200 && answer.location) {
        show(100);
        status.textContent = form.dataset.doneText;
        window.location.assign(answer.location);
      } else {
        fail(answer.error);
      }
    });
    request.addEventListener("error", () => fail());
    status.classList.remove("error");
    bar.hidden = false;
    button.disabled = true;
    show(0);
    request.send(file);
  });
}
