// corroborate workbench: progressive enhancement only; every page works without it.
"use strict";

// Upload with a progress bar: the form posts as usual when scripts are off.
function enhanceUpload(form) {
  const bar = form.querySelector(".upload-progress");
  const status = form.querySelector(".upload-status");
  form.addEventListener("submit", (event) => {
    const files = form.querySelector("input[type=file]").files;
    let total = 0;
    for (const f of files) total += f.size;
    const limit = Number(form.dataset.limit || 0);
    if (limit && total > limit) {
      event.preventDefault();
      status.textContent = "These files are " + total + " bytes; the limit is " + limit + " per upload.";
      return;
    }
    event.preventDefault();
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("Accept", "application/json");
    bar.hidden = false;
    request.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) {
        bar.value = Math.round((100 * e.loaded) / e.total);
        status.textContent = "Uploading: " + bar.value + "%";
      }
    });
    request.addEventListener("load", () => {
      let body = {};
      try { body = JSON.parse(request.responseText); } catch (err) { body = {}; }
      if (request.status === 202 && body.url) {
        window.location.assign(body.url);
      } else {
        status.textContent = (body.error && body.error.message) || ("Upload failed (" + request.status + ")");
      }
    });
    request.addEventListener("error", () => { status.textContent = "Upload failed: the server did not answer."; });
    request.send(new FormData(form));
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form.upload").forEach(enhanceUpload);
});
