// backstride: small progressive enhancement. Every page works without this file.
(function () {
  "use strict";
  // Show each slider's value as it moves.
  document.querySelectorAll('input[type="range"][data-output]').forEach(function (input) {
    var out = document.getElementById(input.dataset.output);
    var show = function () { if (out) { out.value = input.value; } };
    input.addEventListener("input", show);
    show();
  });

  // Ask before a form that deletes something is sent (without JS it is sent at once).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });

  // Poll a background job (import or form check) until it stops running.
  // `describe(job)` gives the status line; `done(job)` runs once it has finished.
  function poll(url, bar, text, describe, done) {
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        if (bar) { bar.value = job.percent; }
        if (job.state === "running" || job.state === "waiting") {
          text.textContent = describe(job);
          setTimeout(function () { poll(url, bar, text, describe, done); }, 500);
        } else {
          done(job);
        }
      })
      .catch(function () { setTimeout(function () { poll(url, bar, text, describe, done); }, 1000); });
  }

  // Send an upload form in the background with an upload progress bar;
  // `accepted(reply)` gets the server's JSON answer (202) and decides what follows.
  function uploadInBackground(form, prefix, accepted) {
    if (!form || !window.XMLHttpRequest || !window.FormData) { return; }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var box = document.getElementById(prefix + "-progress");
      var bar = document.getElementById(prefix + "-bar");
      var text = document.getElementById(prefix + "-text");
      box.hidden = false;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) {
          bar.value = Math.round(100 * e.loaded / e.total);
          text.textContent = "Uploading… " + bar.value + "%";
        }
      };
      xhr.onload = function () {
        if (xhr.status !== 202) { text.textContent = "Upload refused: " + xhr.responseText; return; }
        accepted(JSON.parse(xhr.responseText), bar, text);
      };
      xhr.onerror = function () { text.textContent = "Upload failed: is backstride still running?"; };
      xhr.send(new FormData(form));
    });
  }

  function reload() { window.location.reload(); }
  function importing(job) {
    return "Importing " + job.files + " file(s)… " + job.percent + "% " + (job.current || "");
  }
  function formMessage(job) { return job.message; }

  // The import status page: poll instead of reloading, then reload once to show the report.
  var job = document.getElementById("job");
  if (job && job.dataset.state === "running") {
    poll("/api/import/" + job.dataset.job, document.getElementById("import-bar"),
      document.getElementById("import-text"), importing, reload);
  }
  uploadInBackground(document.getElementById("import-form"), "import", function (reply, bar, text) {
    bar.value = 0;
    poll(reply.status, bar, text, importing, function () {
      window.location.href = "/training/import/" + reply.job;
    });
  });

  // The form check: poll the job, showing the server's own words, then reload for the result.
  var formJob = document.getElementById("form-job");
  if (formJob && (formJob.dataset.state === "running" || formJob.dataset.state === "waiting")) {
    poll("/api/form/" + formJob.dataset.job, document.getElementById("form-bar"),
      document.getElementById("form-text"), formMessage, reload);
  }
  uploadInBackground(document.getElementById("form-upload"), "form-upload", function (reply) {
    window.location.href = "/form/jobs/" + reply.job;
  });
})();
